/**
 * Reports: the report envelope and its sections, the JSON schema, terminal and JSON rendering, formatting, the re-run command.
 *
 * @module reports
 */
export * from '../report/types.js';
export * from '../report/schema.js';
export * from '../report/format.js';
export * from '../report/rerun.js';
export * from '../report/terminal.js';
export * from '../report/json.js';
