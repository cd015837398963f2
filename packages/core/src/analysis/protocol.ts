/**
 * The analysis protocol: how a plugin declares analyses and what a run gets and returns.
 *
 * Plugins are plain typed objects (like ESLint flat-config plugins): `definePlugin` and `defineAnalysis`
 * only check and return what they are given, so a plugin module is cheap to import and easy to test.
 */
import type { z } from 'zod';
import type { HookedTransformer, Tokenizer } from '../model/types.js';
import type { Rng } from '../random/rng.js';
import type { Report } from '../report/types.js';
import type { PartialState } from '../toolkit/shards/partial-state.js';
import type { ShardSelection } from '../toolkit/shards/shard-selection.js';

/** Marr's three levels of analysis (Marr, *Vision*, 1982, chapter 1: computational theory, representation and algorithm, implementation). */
export type MarrLevel = 'computational' | 'algorithmic' | 'implementational';
export const MARR_LEVELS: readonly MarrLevel[] = ['computational', 'algorithmic', 'implementational'];

/** The protocol version plugins declare; the CLI refuses plugins built for another one. */
export const PLUGIN_API_VERSION = 1;

export type DataKind = 'text' | 'table' | 'timeseries';

export interface InputLoadOptions {
  /** The label the user gave the file (`--input name.<label>=path`), or null. */
  label: string | null;
}

/**
 * A kind of input file: how one file (or folder) is read into the value an analysis gets. Core ships
 * `text`, `table`, `timeseries`, `labelled-jsonl`, `prompt-set` and `model-folder` (see `data/input-kinds.ts`);
 * a plugin defines its own with `defineInputKind` or `jsonlKind`.
 */
export interface InputKind<T = unknown> {
  /** kebab-case, shown by `marr describe`. */
  id: string;
  /** One line: the formats accepted. */
  description: string;
  /** 'file' (default) or 'folder'. */
  entry?: 'file' | 'folder';
  /** Reads a path; throws MarrUsageError naming the file, line and fix for bad content. */
  load(path: string, options: InputLoadOptions): Promise<T>;
  /** The files to hash for `path` (default: the path itself); folders list their files. */
  files?(path: string): Promise<string[]>;
}

/** A named file input, given on the command line as `--input <name>=<path>` (or `<name>.<label>=<path>`). */
export interface NamedInputSpec {
  /** A kind object, or the id of a core kind ('text', 'table', 'timeseries', 'labelled-jsonl', 'prompt-set', 'model-folder'). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  kind: InputKind<any> | string;
  description: string;
  /** At least one file must be given (default false). */
  required?: boolean;
  /** Each file carries a label: `--input name.<label>=path` (e.g. one file per class). */
  labelled?: boolean;
  /** The most files the input takes (default 1; labelled inputs: unlimited). */
  max?: number;
  /** The fewest files, when any is given or it is required (default 1). */
  min?: number;
}

/** One file of a named input, loaded by its kind. */
export interface LoadedInput<T = unknown> {
  name: string;
  /** The role recorded in `report.inputs.files`: the name, or `name.label` for labelled files. */
  role: string;
  /** The path as given. */
  path: string;
  label: string | null;
  value: T;
}

export interface AnalysisInputs {
  /** How many models the analysis needs (default: none). */
  models?: { min: number; max?: number };
  /**
   * The main dataset the analysis reads (`--data`), if any. A core dataset kind arrives as `ctx.data`; a
   * kind object (from `jsonlKind` or `defineInputKind`) is loaded by it and arrives as `ctx.inputs.data`
   * (one file, role `data`), with `ctx.data` null.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data?: { kind: DataKind | InputKind<any>; required: boolean; description: string };
  /** Other named files (`--input <name>=<path>`), in the order `marr describe` shows them. */
  files?: Readonly<Record<string, NamedInputSpec>>;
  /** Hook point patterns each model must offer (`*` matches one name segment, e.g. `blocks.*.mlp.hook_post`). */
  hookPoints?: readonly string[];
  /** Other model requirements by name, e.g. `tokenizer`. */
  capabilities?: readonly ('tokenizer')[];
}

/**
 * A loaded text dataset: its documents (see `data/text.ts` for how each file format is split), and a
 * way to cut them into token windows of `contextLength` tokens, each starting with BOS when the
 * tokenizer has one, capped at `maxTokens` tokens in total.
 */
export interface TextDataset {
  kind: 'text';
  path: string;
  /** The raw documents, for analyses that tokenize themselves. */
  documents: string[];
  tokenWindows(tokenizer: Tokenizer, options: { contextLength: number; maxTokens?: number }): number[][];
}

/** A table (CSV/TSV with a header row) or a time series (a table whose `timeColumn` increases). */
export interface TableDataset {
  kind: 'table' | 'timeseries';
  path: string;
  columns: string[];
  /** Column-major numeric data; non-numeric cells are NaN and kept in `text`. */
  numeric: Record<string, Float64Array>;
  /** Raw strings of the columns that have non-numeric cells. */
  text: Record<string, string[]>;
  rowCount: number;
  /** For time series: the strictly increasing time column (`t` or `time` when present, else the first). */
  timeColumn?: string;
}

export type Dataset = TextDataset | TableDataset;

export interface Progress {
  /** Starts a phase of `total` steps. */
  start(label: string, total: number): void;
  /** Advances the current phase by `n` (default 1) steps. */
  tick(n?: number): void;
  /** Ends the current phase. */
  done(): void;
}

/** Progress that reports nothing (runs from code that pass none). */
export const silentProgress: Progress = { start() {}, tick() {}, done() {} };

export interface AnalysisContext<P> {
  /** The loaded models, in the order given. */
  models: HookedTransformer[];
  data: Dataset | null;
  /** Named inputs, by name: the files given for each (an empty array when none was given). */
  inputs: Readonly<Record<string, readonly LoadedInput[]>>;
  /**
   * Loads a file for the named input `name` with its declared kind and records its hash in the report,
   * for paths that arrive another way (a deprecated parameter).
   */
  loadInput(name: string, path: string, label?: string | null): Promise<LoadedInput>;
  params: P;
  /**
   * Runs another analysis (a part of a composite) on the same models, data and named inputs, with its own
   * parameters (validated, defaults filled in), this run's seed, progress and signal; its results are
   * validated against its `results` schema and returned typed.
   */
  run<A extends AnyAnalysis>(analysis: A, params?: Record<string, unknown>): Promise<SubRun<A>>;
  rng: Rng;
  seed: number;
  progress: Progress;
  signal: AbortSignal;
  log(message: string): void;
}

export interface AnalysisReference {
  title: string;
  url?: string;
}

/** The results type an analysis declares (its `results` schema's output), or a plain JSON object. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ResultsOf<A> = A extends AnalysisDefinition<any, infer R> ? z.output<R> : Report['results'];

/** What `ctx.run` returns: the part's report and its typed results. */
export interface SubRun<A> {
  report: Report;
  results: ResultsOf<A>;
}

export interface AnalysisDefinition<S extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  /** Unique id, kebab-case, used on the command line: `marr run <id>`. */
  id: string;
  title: string;
  level: MarrLevel;
  /** One line for `marr list`. */
  summary: string;
  /** Longer help for `marr describe` and the docs. */
  description?: string;
  references?: readonly AnalysisReference[];
  inputs: AnalysisInputs;
  /** A zod object schema with defaults and `.describe()` help on every field. */
  params: S;
  /**
   * A zod schema of `results` (the analysis's public contract): the runner validates what `run` returns
   * against it, `marr schema <analysis>` publishes it as JSON schema and the docs show it.
   */
  results?: R;
  run(ctx: AnalysisContext<z.output<S>>): Promise<Report>;
  /** Present when the analysis can run in shards whose statistics merge (see ShardedRun). */
  shards?: ShardedRun<z.output<S>>;
}

export type AnyAnalysis = AnalysisDefinition<z.ZodType, z.ZodType>;

/** What `finish` gets when it turns merged statistics into a report: no models, data or files. */
export type FinishContext<P> = Pick<AnalysisContext<P>, 'params' | 'rng' | 'seed' | 'progress' | 'signal' | 'log'>;

/**
 * How an analysis whose statistics add up declares that it can run in shards (`marr run --shard i/N`,
 * then `marr merge`): `partial` computes the float64 statistics of one shard's work items (see
 * `shardItems`), `finish` turns the statistics of all shards, added in a fixed order, into the report.
 * Its `run` should be `runWhole(shards)`, so one run and N merged shards compute the same thing.
 */
export interface ShardedRun<P> {
  partial(ctx: AnalysisContext<P>, shard: ShardSelection): Promise<PartialState>;
  finish(ctx: FinishContext<P>, state: PartialState): Promise<Report>;
}

export interface PluginDefinition {
  name: string;
  version: string;
  apiVersion: number;
  description?: string;
  analyses: readonly AnyAnalysis[];
}

const ID_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function defineAnalysis<S extends z.ZodType, R extends z.ZodType = z.ZodType>(def: AnalysisDefinition<S, R>): AnalysisDefinition<S, R> {
  if (!ID_PATTERN.test(def.id)) {
    throw new Error(`defineAnalysis: id "${def.id}" must be kebab-case (lowercase letters, digits and dashes)`);
  }
  if (!MARR_LEVELS.includes(def.level)) {
    throw new Error(`defineAnalysis(${def.id}): level "${def.level}" must be one of ${MARR_LEVELS.join(', ')}`);
  }
  if (typeof def.run !== 'function') throw new Error(`defineAnalysis(${def.id}): run must be a function`);
  if (def.shards && (typeof def.shards.partial !== 'function' || typeof def.shards.finish !== 'function')) {
    throw new Error(`defineAnalysis(${def.id}): shards needs partial and finish functions`);
  }
  return def;
}

export function definePlugin(def: PluginDefinition): PluginDefinition {
  if (!def.name) throw new Error('definePlugin: a plugin needs a name');
  if (def.apiVersion !== PLUGIN_API_VERSION) {
    throw new Error(
      `definePlugin(${def.name}): apiVersion ${def.apiVersion} is not supported; this marr speaks plugin API ${PLUGIN_API_VERSION}`,
    );
  }
  const seen = new Set<string>();
  for (const a of def.analyses) {
    if (seen.has(a.id)) throw new Error(`definePlugin(${def.name}): analysis id "${a.id}" is defined twice`);
    seen.add(a.id);
  }
  return def;
}
