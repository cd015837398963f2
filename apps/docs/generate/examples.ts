/**
 * Worked-example recipes (apps/docs/examples/<analysis-id>.json): which inputs, parameters and seed
 * each example of an analysis runs with. A recipe names inputs only; every number on the site comes
 * from the report the CLI writes when the example runs.
 *
 * An input is one of
 *   { "shipped": "default" }            a model shipped with marr (@marr/zoo), passed by name
 *   { "shared": "models/x/y.bin" }      a file in ../shared; the example is skipped when it is absent
 *   { "repo": "packages/x/data.csv" }   a file committed in this repository
 *   { "builder": "zoo-stories" }        a data file written by a builder in data-builders.ts
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { shellQuote, z } from '@marr/core';
import { sharedFixture } from '@marr/core/testing';
import type { AnalysisDescription } from './catalog.js';
import { buildData, DATA_BUILDERS } from './data-builders.js';
import { examplesDir, repoRoot } from './paths.js';

const inputRef = z.union([
  z.object({ shipped: z.string().min(1) }).strict(),
  z.object({ shared: z.string().min(1) }).strict(),
  z.object({ repo: z.string().min(1) }).strict(),
  z.object({ builder: z.string().min(1) }).strict(),
]);
export type InputRef = z.infer<typeof inputRef>;

/**
 * A parameter value: a plain value, an input (passed as its path), or a concatenation of strings and
 * inputs, for parameters that hold paths (e.g. `{ "concat": ["en=", { "shared": "..." }] }`).
 */
const paramValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  inputRef,
  z.object({ concat: z.array(z.union([z.string(), inputRef])).min(1) }).strict(),
]);
type ParamValue = z.infer<typeof paramValue>;

const exampleRecipe = z
  .object({
    name: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case'),
    title: z.string().min(1),
    about: z.string().min(1),
    models: z.array(inputRef).default([]),
    tokenizer: inputRef.optional(),
    data: inputRef.optional(),
    /** Named inputs, `--input <key>=<path>`: keys are input names, or `name.label` for labelled ones. */
    inputs: z.record(z.string().regex(/^[A-Za-z][\w-]*(\.[^=\s]+)?$/, 'an input name, or name.label'), inputRef).default({}),
    params: z.record(z.string(), paramValue).default({}),
    seed: z.number().int().nonnegative().default(0),
  })
  .strict();
export type ExampleRecipe = z.infer<typeof exampleRecipe>;

const recipeFile = z.object({ analysis: z.string(), examples: z.array(exampleRecipe).min(1) }).strict();

/** Reads every recipe file; a malformed one is an error naming the file and the field. */
export function readRecipes(): Map<string, ExampleRecipe[]> {
  const out = new Map<string, ExampleRecipe[]>();
  if (!existsSync(examplesDir)) return out;
  for (const file of readdirSync(examplesDir).filter((f) => f.endsWith('.json')).sort()) {
    const path = join(examplesDir, file);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new Error(`${path} is not valid JSON: ${(err as Error).message}`);
    }
    const parsed = recipeFile.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new Error(`${path}: ${issues}`);
    }
    if (`${parsed.data.analysis}.json` !== file) {
      throw new Error(`${path} describes analysis "${parsed.data.analysis}"; name the file ${parsed.data.analysis}.json`);
    }
    const names = new Set<string>();
    for (const e of parsed.data.examples) {
      if (names.has(e.name)) throw new Error(`${path}: example name "${e.name}" is used twice`);
      names.add(e.name);
    }
    out.set(parsed.data.analysis, parsed.data.examples);
  }
  return out;
}

/**
 * The example an analysis gets when it has no recipe: its defaults on the shipped default model,
 * possible only when it needs at most one model and no data.
 */
export function defaultRecipe(analysis: AnalysisDescription): ExampleRecipe | null {
  if (analysis.inputs.data?.required) return null;
  const min = analysis.inputs.models?.min ?? 0;
  if (min > 1) return null;
  return {
    name: 'defaults',
    title: min === 1 ? 'Default parameters on the default model' : 'Default parameters',
    about: 'The analysis with its default parameters' + (min === 1 ? ' on the shipped default model.' : '.'),
    models: min === 1 ? [{ shipped: 'default' }] : [],
    inputs: {},
    params: {},
    seed: 0,
  };
}

/** An input resolved to what the CLI gets (`arg`) and what the page shows (`display`). */
export interface ResolvedInput {
  arg: string;
  display: string;
}

export class MissingInput extends Error {}

let shippedModels: ReadonlySet<string> = new Set();

/** The shipped model names `marr models` reported; examples on any other shipped name are skipped. */
export function setShippedModels(names: Iterable<string>): void {
  shippedModels = new Set(names);
}

/** Whether `name` is a shipped model here: listed by `marr models`, or an alias @marr/zoo resolves. */
export async function isShippedModel(name: string): Promise<boolean> {
  if (shippedModels.has(name)) return true;
  const { resolveShippedModel } = await import('@marr/zoo');
  return resolveShippedModel(name) !== null;
}

export async function resolveInput(ref: InputRef): Promise<ResolvedInput> {
  if ('shipped' in ref) {
    if (!(await isShippedModel(ref.shipped))) {
      const listed = [...shippedModels];
      const shown = listed.length > 4 ? `${listed.slice(0, 4).join(', ')} and ${listed.length - 4} more` : listed.join(', ') || 'none';
      throw new MissingInput(`the shipped model "${ref.shipped}" is not installed (marr models lists ${shown})`);
    }
    return { arg: ref.shipped, display: ref.shipped };
  }
  if ('shared' in ref) {
    const found = sharedFixture(ref.shared);
    if (!found.path) throw new MissingInput(found.reason);
    const display = `../shared/${ref.shared}`;
    // The CLI runs from the repository root, so the page's relative path is what it is given (and what its
    // report records) whenever ../shared is the fixture folder; MARR_SHARED elsewhere needs the full path.
    return { arg: resolve(repoRoot, display) === resolve(found.path) ? display : found.path, display };
  }
  if ('repo' in ref) {
    const path = join(repoRoot, ref.repo);
    if (!existsSync(path)) throw new Error(`example input ${ref.repo} does not exist in the repository`);
    return { arg: ref.repo, display: ref.repo };
  }
  if (!(ref.builder in DATA_BUILDERS)) {
    throw new Error(`unknown data builder "${ref.builder}"; known builders: ${Object.keys(DATA_BUILDERS).join(', ')}`);
  }
  const path = relative(repoRoot, await buildData(ref.builder));
  return { arg: path, display: path };
}

async function resolveParam(value: ParamValue): Promise<ResolvedInput> {
  if (typeof value !== 'object') return { arg: String(value), display: String(value) };
  if ('concat' in value) {
    const parts = await Promise.all(value.concat.map((p) => (typeof p === 'string' ? { arg: p, display: p } : resolveInput(p))));
    return { arg: parts.map((p) => p.arg).join(''), display: parts.map((p) => p.display).join('') };
  }
  return resolveInput(value);
}

/** The `marr run` argument list for a recipe, and the same command as text for the page. */
export async function commandFor(
  analysisId: string,
  recipe: ExampleRecipe,
  outDir: string,
  displayOut: string,
): Promise<{ args: string[]; display: string }> {
  const args = ['run', analysisId];
  const shown = ['npx', 'marr', 'run', analysisId]; // as a user runs it from a clone after npm ci
  const push = (flag: string, input: ResolvedInput) => {
    args.push(flag, input.arg);
    shown.push(flag, shellQuote(input.display));
  };
  for (const m of recipe.models) push('--model', await resolveInput(m));
  if (recipe.tokenizer) push('--tokenizer', await resolveInput(recipe.tokenizer));
  if (recipe.data) push('--data', await resolveInput(recipe.data));
  for (const [name, ref] of Object.entries(recipe.inputs)) {
    const input = await resolveInput(ref);
    args.push('--input', `${name}=${input.arg}`);
    shown.push('--input', shellQuote(`${name}=${input.display}`));
  }
  for (const [k, v] of Object.entries(recipe.params)) {
    const value = await resolveParam(v);
    args.push('--param', `${k}=${value.arg}`);
    shown.push('--param', shellQuote(`${k}=${value.display}`));
  }
  args.push('--seed', String(recipe.seed), '--out', outDir);
  shown.push('--seed', String(recipe.seed), '--out', displayOut);
  return { args, display: shown.join(' ') };
}
