/**
 * The docs generation step (`nx run docs:generate`): asks the real `marr` CLI which official plugins,
 * analyses and shipped models are installed, runs every worked example with `marr run`, and writes
 * generated/catalog.json plus each example's report.json and report.html for the site to show.
 *
 * Nothing here computes a result: every number on the site is read from a report the CLI wrote.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { hookPointShape, hookPointTable as coreHookPointTable, loadModel, writeJsonAtomic } from '@marr/core';
import { sharedRoot } from '@marr/core/testing';
import { LEVELS, type AnalysisDescription, type Catalog, type CatalogAnalysis, type CatalogPlugin, type CatalogStudy, type HookPointTable, type ShippedModelInfo } from './catalog.js';
import { authoringExample } from './authoring.js';
import { libraryScripts } from './library.js';
import { runCli, runCliJson } from './cli.js';
import { commandFor, defaultRecipe, isShippedModel, MissingInput, readRecipes, setShippedModels, type ExampleRecipe } from './examples.js';
import { catalogPath, generatedDir, repoRoot, reportsDir } from './paths.js';

interface PluginsJson {
  plugins: { name: string; version: string; dir: string; origin: string; analyses: string[] }[];
  problems: string[];
}

/** Official plugins are the ones published under the @marr scope. */
const isOfficial = (name: string) => name.startsWith('@marr/');

function log(message: string): void {
  process.stderr.write(`[docs:generate] ${message}\n`);
}

function readmeQuickStart(): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const match = /^## Quick start\b[\s\S]*?```(?:sh|bash)\n([\s\S]*?)```/m.exec(readme);
  if (!match) throw new Error('README.md has no "## Quick start" section with a ```sh code block; the quick start page quotes it');
  return match[1].trimEnd();
}

function readIfExists(path: string): string | null {
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

async function runExample(analysis: AnalysisDescription, recipe: ExampleRecipe, entry: CatalogAnalysis): Promise<void> {
  const outDir = join(reportsDir, analysis.id, recipe.name);
  let command: { args: string[]; display: string };
  try {
    command = await commandFor(analysis.id, recipe, outDir, `out/${analysis.id}`);
  } catch (err) {
    if (err instanceof MissingInput) {
      log(`skip ${analysis.id}/${recipe.name}: ${err.message}`);
      entry.skipped.push({ name: recipe.name, title: recipe.title, reason: err.message });
      return;
    }
    throw err;
  }
  log(`run  ${analysis.id}/${recipe.name}: ${command.display}`);
  const { seconds } = await runCli(command.args);
  for (const file of ['report.json', 'report.html']) {
    if (!existsSync(join(outDir, file))) throw new Error(`\`${command.display}\` succeeded but wrote no ${file} in ${outDir}`);
  }
  log(`done ${analysis.id}/${recipe.name} in ${seconds.toFixed(1)} s`);
  entry.examples.push({
    name: recipe.name,
    title: recipe.title,
    about: recipe.about,
    command: command.display,
    reportJson: relative(generatedDir, join(outDir, 'report.json')),
    reportHtml: relative(generatedDir, join(outDir, 'report.html')),
    seconds,
  });
}

/** Example runs at once: CI machines have two cores, and each run is one single-threaded process. */
const EXAMPLE_CONCURRENCY = Math.max(1, Math.min(2, availableParallelism()));

/** Runs the jobs with at most `limit` in flight; the first failure rejects (after the others settle). */
async function runPool(jobs: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      await job().catch((err: unknown) => {
        errors.push(err);
        next = jobs.length;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  if (errors.length > 0) throw errors[0];
}

interface StudyListEntry {
  name: string;
  title: string;
  model: string | null;
  package: string;
  description: string;
  file: string;
}

/** Runs every study an official package ships (`marr study <name>`) on its own model. */
async function runStudies(): Promise<CatalogStudy[]> {
  const listed = (await runCliJson<StudyListEntry[]>(['study', '--list', '--json'])).filter((s) => isOfficial(s.package));
  const studies: CatalogStudy[] = [];
  for (const s of listed) {
    if (s.model && !(await isShippedModel(s.model))) {
      log(`skip study ${s.name}: its model "${s.model}" is not installed`);
      continue;
    }
    const outDir = join(reportsDir, 'studies', s.name);
    const display = `npx marr study ${s.name} --out out/study-${s.name}`;
    log(`run  study ${s.name}: ${display}`);
    const { seconds } = await runCli(['study', s.name, '--out', outDir]);
    log(`done study ${s.name} in ${seconds.toFixed(1)} s`);
    studies.push({
      name: s.name,
      title: s.title,
      description: s.description,
      package: s.package,
      model: s.model,
      source: readFileSync(s.file, 'utf8'),
      command: display,
      reportJson: relative(generatedDir, join(outDir, 'report.json')),
      reportHtml: relative(generatedDir, join(outDir, 'report.html')),
      seconds,
    });
  }
  return studies;
}

async function hookPointTable(): Promise<HookPointTable | null> {
  if (!(await isShippedModel('default'))) return null;
  const model = await loadModel('default');
  const seq = 16;
  const table = coreHookPointTable(model.config, { optIn: true });
  const rows = table
    .filter((e) => e.slot === null || e.slot === 0)
    .map((e) => ({
      name: e.slot === null ? e.name : `blocks.{i}.${e.spec.suffix}`,
      axes: [...e.spec.axes],
      shape: hookPointShape(model.config, e.spec, 1, seq),
      short: e.spec.short,
      optIn: e.spec.optIn ?? null,
      description: e.spec.description,
    }));
  await model.dispose();
  return { model: 'default', names: table.map((e) => e.name), rows, seq };
}

async function main(): Promise<void> {
  const started = performance.now();
  rmSync(reportsDir, { recursive: true, force: true });
  mkdirSync(reportsDir, { recursive: true });

  const marrVersion = (await runCli(['--version'])).stdout.trim();
  const cliHelp = (await runCli(['--help'])).stdout;
  const listText = (await runCli(['list'])).stdout;
  const discovered = await runCliJson<PluginsJson>(['plugins', '--json']);
  for (const problem of discovered.problems) log(`warning from plugin discovery: ${problem}`);
  const pluginsFound = discovered.plugins.filter((p) => isOfficial(p.name)).sort((a, b) => a.name.localeCompare(b.name));
  const models = (await runCliJson<{ shipped: ShippedModelInfo[] }>(['models', '--json'])).shipped;
  log(`${pluginsFound.length} official plugins, ${models.length} shipped models`);

  setShippedModels(models.map((m) => m.name));
  const recipes = readRecipes();
  const analyses: CatalogAnalysis[] = [];
  const jobs: (() => Promise<void>)[] = [];
  const plugins: CatalogPlugin[] = [];
  for (const p of pluginsFound) {
    const pkg = JSON.parse(readFileSync(join(p.dir, 'package.json'), 'utf8')) as { description?: string };
    plugins.push({ name: p.name, version: p.version, description: pkg.description ?? null, readme: readIfExists(join(p.dir, 'README.md')), analyses: [...p.analyses] });
    for (const id of p.analyses) {
      const description = await runCliJson<AnalysisDescription>(['describe', `${p.name}:${id}`, '--json']);
      if (!LEVELS.includes(description.level)) throw new Error(`analysis ${id} has an unknown level "${description.level}"`);
      const entry: CatalogAnalysis = { ...description, examples: [], skipped: [] };
      const planned = recipes.get(id) ?? [defaultRecipe(description)].filter((r): r is ExampleRecipe => r !== null);
      if (planned.length === 0) {
        entry.skipped.push({
          name: 'none',
          title: 'No worked example',
          reason: `it needs ${description.inputs.data?.required ? 'a dataset' : 'several models'}; add a recipe in apps/docs/examples/${id}.json`,
        });
      }
      jobs.push(...planned.map((recipe) => () => runExample(description, recipe, entry)));
      analyses.push(entry);
    }
  }
  await runPool(jobs, EXAMPLE_CONCURRENCY);
  // Examples finish in any order; the page shows them in recipe order.
  for (const a of analyses) {
    const order = (recipes.get(a.id) ?? []).map((r) => r.name);
    a.examples.sort((x, y) => order.indexOf(x.name) - order.indexOf(y.name));
    a.skipped.sort((x, y) => order.indexOf(x.name) - order.indexOf(y.name));
  }
  const installed = new Set(analyses.map((a) => a.id));
  for (const id of recipes.keys()) {
    if (!installed.has(id)) log(`warning: apps/docs/examples/${id}.json names an analysis that no installed official plugin provides`);
  }

  const catalog: Catalog = {
    schemaVersion: 1,
    marrVersion,
    sharedAvailable: sharedRoot() !== null,
    quickStart: readmeQuickStart(),
    cliHelp,
    listText,
    plugins,
    analyses,
    models,
    hookPoints: await hookPointTable(),
    authoring: await authoringExample(),
    library: await libraryScripts(),
    studies: await runStudies(),
  };
  await writeJsonAtomic(catalogPath, catalog);
  const runs = analyses.reduce((n, a) => n + a.examples.length, 0);
  log(`wrote ${relative(repoRoot, catalogPath)}: ${analyses.length} analyses, ${runs} example runs, in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err: unknown) => {
  process.stderr.write(`[docs:generate] failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
