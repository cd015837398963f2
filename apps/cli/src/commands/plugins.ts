/** `marr plugins [--verify]`: discovered plugins, where they come from, and (with --verify) manifest checks. */
import { readConfig } from '../discovery/config.js';
import { discoverPlugins } from '../discovery/plugins.js';
import { UsageError } from '../errors.js';
import { terminalSafeLine } from '@marr/core/protocol';

export async function pluginsCommand(options: { verify?: boolean; json?: boolean }): Promise<void> {
  const config = await readConfig();
  const discovery = discoverPlugins(config);
  const verified = new Map<string, string[]>();
  if (options.verify) {
    const { checkPluginManifest } = await import('@marr/core');
    for (const p of discovery.plugins) {
      verified.set(p.name, await checkPluginManifest(p.dir).catch((err: Error) => [err.message]));
    }
  }
  if (options.json) {
    const out = {
      config: config.path,
      plugins: discovery.plugins.map((p) => ({
        name: p.name,
        version: p.version,
        dir: p.dir,
        origin: p.origin,
        analyses: p.manifest.analyses.map((a) => a.id),
        ...(options.verify ? { problems: verified.get(p.name) ?? [] } : {}),
      })),
      problems: discovery.problems,
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else {
    const lines: string[] = [];
    if (discovery.plugins.length === 0) lines.push('No marr plugins found.');
    for (const p of discovery.plugins) {
      lines.push(`${terminalSafeLine(p.name)} ${terminalSafeLine(p.version)}  (${p.origin}: ${p.dir})`);
      for (const a of p.manifest.analyses) lines.push(`  ${terminalSafeLine(a.id)}  [${a.level}]  ${terminalSafeLine(a.summary)}`);
      if (options.verify) {
        const problems = verified.get(p.name) ?? [];
        lines.push(problems.length === 0 ? '  manifest: OK' : `  manifest problems:\n${problems.map((x) => `    - ${terminalSafeLine(x)}`).join('\n')}`);
      }
    }
    for (const problem of discovery.problems) lines.push(`warning: ${terminalSafeLine(problem)}`);
    process.stdout.write(lines.join('\n') + '\n');
  }
  const failed = [...verified.values()].some((p) => p.length > 0);
  if (failed) throw new UsageError('some plugin manifests do not match their modules (see above)');
}
