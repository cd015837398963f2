/** `marr list`: every analysis of every discovered plugin, from manifests only (no plugin code runs). */
import { readConfig } from '../discovery/config.js';
import { allAnalyses, discoverPlugins } from '../discovery/plugins.js';
import { MARR_LEVELS, type MarrLevel } from '@marr/core/protocol';
import { UsageError } from '../errors.js';
import { formatTable } from '../table.js';

export async function listCommand(options: { level?: string; json?: boolean }): Promise<void> {
  if (options.level !== undefined && !MARR_LEVELS.includes(options.level as MarrLevel)) {
    throw new UsageError(`unknown level "${options.level}"; valid levels: ${MARR_LEVELS.join(', ')}`);
  }
  const discovery = discoverPlugins(await readConfig());
  const analyses = allAnalyses(discovery).filter((a) => !options.level || a.level === options.level);
  if (options.json) {
    const rows = analyses.map((a) => ({ id: a.id, title: a.title, level: a.level, summary: a.summary, plugin: a.plugin.name, pluginVersion: a.plugin.version }));
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return;
  }
  if (analyses.length === 0) {
    process.stdout.write(
      discovery.plugins.length === 0
        ? 'No marr plugins found. Install one (e.g. npm install @marr/sindy-mio) or name one in marr.config.json.\n'
        : `No analyses at the ${options.level} level.\n`,
    );
    return;
  }
  process.stdout.write(formatTable(['analysis', 'plugin', 'level', 'summary'], analyses.map((a) => [a.id, a.plugin.name, a.level, a.summary])));
}
