/**
 * The plugin authoring guide's worked example, done for real while the site is generated: a third-party
 * plugin is created with `marr create-plugin`, compiled with TypeScript, named in a project's
 * marr.config.json, listed and run by the CLI. The guide shows the files and outputs captured here.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '@marr/core';
import type { AuthoringExample } from './catalog.js';
import { runCli, runNode } from './cli.js';
import { generatedDir } from './paths.js';

const PACKAGE = '@acme/marr-example';
const FOLDER = 'marr-example';
const SHOWN_FILES = ['package.json', 'src/index.ts', 'src/column-stats.ts', 'test/index.test.ts'];

/** A small table every user has: the cities the @marr/zoo corpus teaches, with their coordinates. */
async function citiesCsv(): Promise<string> {
  const { CITIES } = await import('@marr/zoo');
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return ['city,country,latitude,longitude', ...CITIES.map((c) => [quote(c.city), quote(c.country), c.lat, c.lon].join(','))].join('\n') + '\n';
}

export async function authoringExample(): Promise<AuthoringExample> {
  const root = join(generatedDir, 'authoring');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const tidy = (text: string) => text.split(root + '/').join('').split(root).join('.');

  const created = await runCli(['create-plugin', PACKAGE, '--dir', root], { cwd: root });
  const pluginDir = join(root, FOLDER);
  const files = SHOWN_FILES.map((path) => ({ path, text: readFileSync(join(pluginDir, path), 'utf8') }));
  const analysisId = (JSON.parse(files[0].text) as { marr: { analyses: { id: string }[] } }).marr.analyses[0].id;

  // Compile with the repository's TypeScript; @marr/core resolves through the workspace's node_modules,
  // as it would from the plugin's own node_modules after `npm install`.
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await runNode([tsc, '-p', 'tsconfig.build.json'], 'tsc -p tsconfig.build.json', { cwd: pluginDir });
  const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
  const tested = await runNode([vitest, 'run', '--root', pluginDir], 'vitest run', { cwd: pluginDir });

  const project = join(root, 'project');
  mkdirSync(project, { recursive: true });
  const config = { plugins: [`../${FOLDER}`] };
  await writeJsonAtomic(join(project, 'marr.config.json'), config);
  await writeFileAtomic(join(project, 'cities.csv'), await citiesCsv());

  const plugins = await runCli(['plugins', '--verify'], { cwd: project });
  const describe = await runCli(['describe', analysisId], { cwd: project });
  const outDir = join(project, 'out');
  const runArgs = ['run', analysisId, '--data', 'cities.csv', '--out', 'out'];
  const run = await runCli(runArgs, { cwd: project });
  return {
    packageName: PACKAGE,
    folder: FOLDER,
    analysisId,
    createCommand: `marr create-plugin ${PACKAGE}`,
    createOutput: tidy(created.stdout),
    files,
    testOutput: tidy(tested.stdout).replace(/^\s*(Start at|Duration)\b.*$/gm, '').replace(/\n{3,}/g, '\n\n').trim(),
    config: JSON.stringify(config, null, 2),
    pluginsOutput: tidy(plugins.stdout),
    describeOutput: tidy(describe.stdout),
    runCommand: `marr ${runArgs.join(' ')}`,
    runOutput: tidy(run.stdout),
    reportJson: relative(generatedDir, join(outDir, 'report.json')),
    reportHtml: relative(generatedDir, join(outDir, 'report.html')),
  };
}
