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

/** Marr's three levels of analysis (see the methods reference, section 0). */
export type MarrLevel = 'computational' | 'algorithmic' | 'implementational';
export const MARR_LEVELS: readonly MarrLevel[] = ['computational', 'algorithmic', 'implementational'];

/** The protocol version plugins declare; the CLI refuses plugins built for another one. */
export const PLUGIN_API_VERSION = 1;

export type DataKind = 'text' | 'table' | 'timeseries';

export interface AnalysisInputs {
  /** How many models the analysis needs (default: none). */
  models?: { min: number; max?: number };
  /** The dataset the analysis reads, if any. */
  data?: { kind: DataKind; required: boolean; description: string };
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

export interface AnalysisContext<P> {
  /** The loaded models, in the order given. */
  models: HookedTransformer[];
  data: Dataset | null;
  params: P;
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

export interface AnalysisDefinition<S extends z.ZodType = z.ZodType> {
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
  run(ctx: AnalysisContext<z.output<S>>): Promise<Report>;
}

export type AnyAnalysis = AnalysisDefinition<z.ZodType>;

export interface PluginDefinition {
  name: string;
  version: string;
  apiVersion: number;
  description?: string;
  analyses: readonly AnyAnalysis[];
}

const ID_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function defineAnalysis<S extends z.ZodType>(def: AnalysisDefinition<S>): AnalysisDefinition<S> {
  if (!ID_PATTERN.test(def.id)) {
    throw new Error(`defineAnalysis: id "${def.id}" must be kebab-case (lowercase letters, digits and dashes)`);
  }
  if (!MARR_LEVELS.includes(def.level)) {
    throw new Error(`defineAnalysis(${def.id}): level "${def.level}" must be one of ${MARR_LEVELS.join(', ')}`);
  }
  if (typeof def.run !== 'function') throw new Error(`defineAnalysis(${def.id}): run must be a function`);
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
