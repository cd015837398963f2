/**
 * @marr/core: everything below is re-exported by concept (src/api/*.ts, one API reference page each).
 */
export * from './api/tensors.js';
export * from './api/models.js';
export * from './api/backends.js';
export * from './api/loading.js';
export * from './api/tokenizers.js';
export * from './api/analyses.js';
export * from './api/reports.js';
export * from './api/data.js';
export * from './api/interventions.js';
export * from './api/toolkit.js';
export * from './api/gradients.js';
/** @deprecated test helpers: import them from '@marr/core/testing' (this re-export goes once every importer has moved). */
export * from './fixtures/shared.js';
export { z } from 'zod';
