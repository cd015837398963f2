/**
 * Turning an analysis run's inputs into per-layer feature matrices and raw labels: activations from a
 * model (context-level means or token-level rows) for labelled JSONL, the language-ID builder or
 * position features, or a table of precomputed activations.
 */
import { MarrUsageError, type AnalysisContext, type HookedTransformer, type LoadedInput, type TableDataset } from '@marr/core';
import { extname } from 'node:path';
import { checkHookPoints, contextActivations, defaultProbeHookPoints, tokenActivations } from '../activations/collect.js';
import { activationTableFromColumns } from '../datasets/activation-table.js';
import { readLabelledJsonl } from '../datasets/labelled-jsonl.js';
import type { RawLabel } from '../datasets/labels.js';
import { languageIdWindows, mergeClassTexts, type ClassText } from '../datasets/language-id.js';
import { positionExamples } from '../datasets/position.js';
import type { LayerInput } from '../probe/layer-sweep.js';
import type { ProbeInputParams } from './input-params.js';

export interface ProbeInputs {
  layers: LayerInput[];
  labels: RawLabel[];
  /** 'context' (one row per text, mean over tokens), 'token' (one row per token) or 'table'. */
  granularity: 'context' | 'token' | 'table';
  /** A short description for the report. */
  source: string;
  /** Default positive class when the task implies one (position: "1"). */
  defaultPositive?: string;
}

function usage(message: string): never {
  throw new MarrUsageError(message);
}

/** A seeded subset of at most `max` indices (all, in order, when there are fewer). */
function sampleIndices(n: number, max: number, ctx: AnalysisContext<unknown>): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= max) return all;
  return ctx.rng.fork().shuffle(all).slice(0, max).sort((a, b) => a - b);
}

/** The activations table: `--input activations=...`, or the deprecated `activations=` parameter. */
async function activationsInput(ctx: AnalysisContext<ProbeInputParams>): Promise<LoadedInput | null> {
  const given = ctx.inputs.activations?.[0];
  if (!ctx.params.activations) return given ?? null;
  if (given) usage('give the activations table once: --input activations=<file.csv> (the activations= parameter is deprecated)');
  ctx.log('probes: the activations= parameter is deprecated; use --input activations=<file.csv>');
  return ctx.loadInput('activations', ctx.params.activations);
}

/** The language-id class files: `--input classFiles.<label>=...`, or the deprecated `classFiles=` parameter. */
async function classFileInputs(ctx: AnalysisContext<ProbeInputParams>): Promise<ClassText[]> {
  const given = ctx.inputs.classFiles ?? [];
  const legacy = ctx.params.classFiles;
  if (legacy.length === 0) return given.map((f) => f.value as ClassText);
  if (given.length > 0) usage('give class files one way: --input classFiles.<label>=<path> (the classFiles= parameter is deprecated)');
  ctx.log('probes: the classFiles= parameter is deprecated; use --input classFiles.<label>=<path> per file');
  const out: ClassText[] = [];
  for (const spec of legacy) {
    const eq = spec.indexOf('=');
    if (eq <= 0) usage(`class file "${spec}" must look like label=path/to/file.txt`);
    out.push((await ctx.loadInput('classFiles', spec.slice(eq + 1).trim(), spec.slice(0, eq).trim())).value as ClassText);
  }
  return out;
}

/**
 * `checkLabels` runs as soon as the labels are known and before any activation is collected, so a bad
 * parameter such as `positive` fails at once; what it throws becomes a usage error.
 */
export async function buildProbeInputs(
  ctx: AnalysisContext<ProbeInputParams>,
  checkLabels: (labels: readonly RawLabel[], defaultPositive?: string) => void = () => {},
): Promise<ProbeInputs> {
  const p = ctx.params;
  const check = (labels: readonly RawLabel[], defaultPositive?: string): void => {
    try {
      checkLabels(labels, defaultPositive);
    } catch (e) {
      usage((e as Error).message);
    }
  };
  const model: HookedTransformer | undefined = ctx.models[0];
  const activations = await activationsInput(ctx);
  if (!model) {
    if (!activations) usage('give a model (--model) with labelled data, or a table of precomputed activations with --input activations=<file.csv>');
    let table;
    try {
      table = activationTableFromColumns(activations.value as TableDataset, p.labelColumn, activations.path);
    } catch (e) {
      usage((e as Error).message);
    }
    return {
      layers: [{ hookPoint: 'table', layer: null, x: table.x, names: table.names }],
      labels: table.labels,
      granularity: 'table',
      source: `${table.x.rows} rows x ${table.names.length} features from ${activations.path}`,
    };
  }
  if (activations) usage('give either a model or --input activations=<file.csv>, not both');
  const tokenizer = model.tokenizer ?? usage('the model has no tokenizer; pass one with --tokenizer <path>');
  const hookPoints = p.hookPoints.length > 0 ? p.hookPoints : defaultProbeHookPoints(model);
  if (hookPoints.length === 0) usage('the model has no blocks.*.mlp.hook_post hook points; set hookPoints=...');
  try {
    checkHookPoints(model, hookPoints);
  } catch (e) {
    usage((e as Error).message);
  }
  const opts = { batchSize: p.batchSize, signal: ctx.signal, progress: ctx.progress };

  if (p.task === 'language-id') {
    const files = await classFileInputs(ctx);
    if (files.length < 2) usage('language-id needs class files of at least two labels, e.g. --input classFiles.en=twain.txt --input classFiles.de=grimm.txt');
    let classes: ClassText[];
    try {
      classes = mergeClassTexts(files);
    } catch (e) {
      usage((e as Error).message);
    }
    const { windows, labels } = languageIdWindows(classes, tokenizer, { contextLength: p.contextLength, perClass: p.maxExamples });
    check(labels);
    const layers = await contextActivations(model, windows, hookPoints, opts);
    return { layers, labels, granularity: 'context', source: `${windows.length} windows of ${p.contextLength} tokens (${classes.map((c) => c.label).join(' vs ')})` };
  }

  if (p.task === 'position') {
    if (!ctx.data || ctx.data.kind !== 'text') usage('the position task needs a text dataset (--data some.txt)');
    const boundary = p.positionBoundary || Math.floor(p.contextLength / 2);
    const windows = ctx.data.tokenWindows(tokenizer, { contextLength: p.contextLength, maxTokens: p.maxExamples * p.contextLength });
    if (windows.length < 2) usage(`the text dataset gives only ${windows.length} window(s) of ${p.contextLength} tokens; give more text or a shorter contextLength`);
    let ex;
    try {
      ex = positionExamples(windows.length, p.contextLength, boundary);
    } catch (e) {
      usage((e as Error).message);
    }
    check(Array.from(ex.labels, String), '1');
    const layers = await tokenActivations(model, windows, ex.positions, hookPoints, opts);
    return {
      layers,
      labels: Array.from(ex.labels, String),
      granularity: 'token',
      source: `${ex.positions.length} tokens of ${windows.length} windows, feature "position >= ${boundary}"`,
      defaultPositive: '1',
    };
  }

  if (!ctx.data) usage('the labels task needs labelled JSONL (--data labels.jsonl) with a model, or --input activations=<file.csv>');
  if (extname(ctx.data.path).toLowerCase() !== '.jsonl') usage(`labelled data must be JSONL (lines like {"text": "...", "label": "..."}); got ${ctx.data.path}`);
  const examples = await readLabelledJsonl(ctx.data.path).catch((e: Error) => usage(e.message));
  const bos = tokenizer.bosTokenId;
  if (examples[0].label !== undefined) {
    const chosen = sampleIndices(examples.length, p.maxExamples, ctx);
    check(chosen.map((i) => examples[i].label!));
    const sequences = chosen.map((i) => tokenizer.encode(examples[i].text).slice(0, p.contextLength));
    const layers = await contextActivations(model, sequences, hookPoints, opts);
    return { layers, labels: chosen.map((i) => examples[i].label!), granularity: 'context', source: `${chosen.length} texts from ${ctx.data.path}` };
  }
  const sequences: number[][] = [];
  const positions: [number, number][] = [];
  const labels: RawLabel[] = [];
  examples.forEach((e, s) => {
    const tokens = tokenizer.encode(e.text);
    const offset = bos !== null && tokens[0] === bos ? 1 : 0;
    if (e.tokenLabels!.length !== tokens.length - offset) {
      usage(`${ctx.data!.path}: example ${s + 1} has ${e.tokenLabels!.length} tokenLabels but its text encodes to ${tokens.length - offset} tokens (BOS not counted); give one label per token`);
    }
    sequences.push(tokens);
    e.tokenLabels!.forEach((l, t) => {
      if (l === null) return;
      positions.push([s, t + offset]);
      labels.push(l);
    });
  });
  const keep = sampleIndices(positions.length, p.maxExamples, ctx);
  check(keep.map((i) => labels[i]));
  const layers = await tokenActivations(model, sequences, keep.map((i) => positions[i]), hookPoints, opts);
  return { layers, labels: keep.map((i) => labels[i]), granularity: 'token', source: `${keep.length} labelled tokens from ${ctx.data.path}` };
}
