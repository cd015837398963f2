/**
 * Datasets: text, tables (CSV/TSV), time series and labelled files, loaded from paths with their hashes.
 *
 * @module data
 */
export * from '../data/files.js';
export * from '../data/csv.js';
export * from '../data/text.js';
export * from '../data/load.js';
export * from '../data/input-kinds.js';
