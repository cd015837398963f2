/** Where the generation step reads and writes, all absolute. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** apps/docs, found from this module (it runs from apps/docs/.generate/ after the build). */
export const docsRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(docsRoot, '..', '..');
export const examplesDir = join(docsRoot, 'examples');
export const generatedDir = join(docsRoot, 'generated');
export const reportsDir = join(generatedDir, 'reports');
export const dataDir = join(generatedDir, 'data');
export const catalogPath = join(generatedDir, 'catalog.json');
