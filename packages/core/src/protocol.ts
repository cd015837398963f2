/**
 * `@marr/core/protocol`: the small, dependency-free part of core that plugin tooling needs without the
 * runtime (no zod, no tensors, no onnxruntime): Marr's levels and the plugin API version,
 * definePlugin/defineAnalysis and their types, usage errors, "did you mean" matching, terminal
 * escaping and plugin manifest checks. The CLI imports these instead of keeping copies; `marr list`
 * loads only this entry.
 */
export {
  MARR_LEVELS,
  PLUGIN_API_VERSION,
  defineAnalysis,
  definePlugin,
  type AnalysisContext,
  type AnalysisDefinition,
  type AnalysisInputs,
  type AnalysisReference,
  type AnyAnalysis,
  type InputKind,
  type LoadedInput,
  type MarrLevel,
  type NamedInputSpec,
  type PluginDefinition,
  type Progress,
} from './analysis/protocol.js';
export { MarrUsageError, isUsageError } from './analysis/errors.js';
export { pluginPackage, type PackageInfo } from './analysis/package-info.js';
export { closeMatches, editDistance } from './analysis/names.js';
export { terminalSafe, terminalSafeLine } from './report/format.js';
export { SETTINGS, readSettings, reloadSettings, settings, type MarrSettings } from './settings.js';
export {
  checkPluginManifest,
  loadPluginPackage,
  manifestProblems,
  manifestShapeProblems,
  pluginManifest,
  writePluginManifest,
  type LoadedPluginPackage,
  type ManifestAnalysis,
  type PluginManifest,
} from './analysis/manifest.js';
