// Generates (write) or checks (check) the "marr" manifest in a plugin's package.json from its built module.
// Usage: node tools/plugin-manifest.mjs write|check <package-dir>...   (each plugin's build runs `write .`)
//        node tools/plugin-manifest.mjs check --all   (every workspace package whose package.json says "marr": { "plugin": true })
import { checkPluginManifest, writePluginManifest } from '@marr/core/protocol';
import { resolve } from 'node:path';
import { workspacePlugins } from './workspace.mjs';

const [mode, ...args] = process.argv.slice(2);
const dirs = mode === 'check' && args.length === 1 && args[0] === '--all' ? workspacePlugins().map(({ dir }) => dir) : args;
if ((mode !== 'write' && mode !== 'check') || dirs.length === 0) {
  console.error('usage: node tools/plugin-manifest.mjs write|check <package-dir>... | check --all');
  process.exit(2);
}
let failed = false;
for (const dir of dirs.map((d) => resolve(d))) {
  if (mode === 'write') {
    const { changed, manifest } = await writePluginManifest(dir);
    console.log(`${dir}: ${changed ? 'wrote' : 'unchanged'} "marr" manifest (${manifest.analyses.length} analyses)`);
  } else {
    const problems = await checkPluginManifest(dir);
    if (problems.length > 0) failed = true;
    console.log(`${dir}: ${problems.length === 0 ? 'manifest OK' : problems.join('\n  ')}`);
  }
}
process.exit(failed ? 1 : 0);
