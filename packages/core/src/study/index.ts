/** Multilevel studies: one behaviour explained at Marr's three levels, as data (see the docs' "Multilevel studies"). */
export * from './schema.js';
export * from './parse.js';
export * from './links.js';
export * from './components.js';
export * from './behaviour.js';
export * from './report.js';
export * from './runner.js';
