/** Programmatic access to the CLI's pieces (for tests and wrappers such as the `marr` package). */
export { createProgram } from './program.js';
export { readConfig, type MarrConfig } from './discovery/config.js';
export { discoverPlugins, allAnalyses, nodeModulesChain, type DiscoveredPlugin, type Discovery } from './discovery/plugins.js';
export { createProgress, progressLine, progressEnabled } from './progress.js';
export { pluginFiles, analysisPrefix } from './create-plugin/template.js';
