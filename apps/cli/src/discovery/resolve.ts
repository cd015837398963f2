/** From an analysis id on the command line to the analysis definition in its plugin's module. */
import { loadPluginPackage, type AnyAnalysis, type PluginDefinition } from '@marr/core';
import { UsageError, closeMatches } from '../errors.js';
import { readConfig } from './config.js';
import { allAnalyses, discoverPlugins, type AnalysisEntry } from './plugins.js';

export interface ResolvedAnalysis {
  entry: AnalysisEntry;
  plugin: PluginDefinition;
  analysis: AnyAnalysis;
}

/** Accepts `id` or `plugin:id` (needed only when two plugins define the same id). */
export async function resolveAnalysis(requested: string): Promise<ResolvedAnalysis> {
  const discovery = discoverPlugins(await readConfig());
  const entries = allAnalyses(discovery);
  const colon = requested.lastIndexOf(':');
  const [pluginName, id] = colon > 0 ? [requested.slice(0, colon), requested.slice(colon + 1)] : [null, requested];
  const matches = entries.filter((e) => e.id === id && (pluginName === null || e.plugin.name === pluginName));
  if (matches.length === 0) {
    const ids = [...new Set(entries.map((e) => e.id))].sort();
    const close = closeMatches(id, ids);
    const hint = close.length ? ` Did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : '';
    const valid = ids.length
      ? `\nValid analyses: ${ids.join(', ')} (see \`marr list\`).`
      : '\nNo plugins are installed; install one (e.g. npm install @marr/sindy-mio) or name one in marr.config.json.';
    throw new UsageError(`unknown analysis "${requested}".${hint}${valid}`);
  }
  if (matches.length > 1) {
    throw new UsageError(
      `analysis "${id}" is defined by several plugins; name one: ${matches.map((m) => `${m.plugin.name}:${m.id}`).join(', ')}`,
    );
  }
  const entry = matches[0];
  const { plugin } = await loadPluginPackage(entry.plugin.dir);
  const analysis = plugin.analyses.find((a) => a.id === entry.id);
  if (!analysis) {
    throw new UsageError(
      `plugin ${entry.plugin.name} lists "${entry.id}" in its package.json but its module does not define it; ` +
        'run `marr plugins --verify` and fix the manifest',
    );
  }
  return { entry, plugin, analysis };
}
