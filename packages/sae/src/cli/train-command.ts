/**
 * `marr sae train`: the command's work, kept here so the CLI only parses flags and draws progress.
 * Trains on a model's activations over a text file (--model, --hook, --data) or on a table of vectors
 * (--activations table.csv: every column numeric, one row per vector), and writes an SAELens folder
 * (cfg.json, sae_weights.safetensors) plus training.json (settings and loss / L0 / dead-fraction history).
 * Nothing is written unless training finishes.
 */
import { join } from 'node:path';
import { loadModel, MarrUsageError, readCsvTable, requireFile, tensor, writeJsonAtomic, type HookedTransformer } from '@marr/core';
import { saveSae } from '../format/folder.js';
import { modelActivationSource, tableActivationSource, type ActivationSource } from '../train/activation-source.js';
import { trainSae, type TrainSaeProgress, type TrainSaeResult } from '../train/train-sae.js';

export interface SaeTrainCommandOptions {
  /** A model spec for core's loadModel (already resolved by the CLI). */
  model?: string;
  hook?: string;
  data?: string;
  activations?: string;
  architecture?: string;
  width?: string;
  k?: string;
  l1?: string;
  tokens?: string;
  out?: string;
  seed?: string;
  batchSize?: string;
  lr?: string;
  contextLength?: string;
}

function integer(name: string, raw: string | undefined, min: number, required: boolean): number | undefined {
  if (raw === undefined) {
    if (required) throw new MarrUsageError(`--${name} is required`);
    return undefined;
  }
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min) throw new MarrUsageError(`--${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

function number(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0) throw new MarrUsageError(`--${name} must be a non-negative number, got "${raw}"`);
  return n;
}

/** The rows of a CSV of vectors: every column numeric. */
export async function readActivationTable(path: string): Promise<ReturnType<typeof tensor>> {
  const table = await readCsvTable(await requireFile(path, '--activations table'));
  const textCols = Object.keys(table.text);
  if (textCols.length > 0) throw new MarrUsageError(`${path}: column "${textCols[0]}" is not numeric; an activation table has only numeric columns (one per dimension) and one row per vector`);
  const d = table.columns.length;
  const out = new Float32Array(table.rowCount * d);
  for (let c = 0; c < d; c++) {
    const col = table.numeric[table.columns[c]];
    for (let r = 0; r < table.rowCount; r++) {
      const v = col[r];
      if (!Number.isFinite(v)) throw new MarrUsageError(`${path}: row ${r + 2}, column "${table.columns[c]}" is empty or not a number`);
      out[r * d + c] = v;
    }
  }
  return tensor([table.rowCount, d], out);
}

export async function runSaeTrainCommand(
  options: SaeTrainCommandOptions,
  hooks: { onProgress?: (p: TrainSaeProgress) => void; signal?: AbortSignal } = {},
): Promise<TrainSaeResult & { out: string }> {
  if (!options.out) throw new MarrUsageError('--out <dir> is required: the folder the SAE is written to (SAELens format)');
  const arch = options.architecture ?? 'topk';
  if (arch !== 'topk' && arch !== 'relu') throw new MarrUsageError(`--architecture must be topk or relu, got "${arch}"`);
  const width = integer('width', options.width, 1, true)!;
  const k = integer('k', options.k, 1, arch === 'topk');
  const tokens = integer('tokens', options.tokens, 1, true)!;
  const seed = integer('seed', options.seed, 0, false) ?? 0;
  const batchSize = integer('batch-size', options.batchSize, 1, false);
  const contextLength = integer('context-length', options.contextLength, 2, false);
  const l1 = number('l1', options.l1);
  const lr = number('lr', options.lr);
  if (arch === 'topk' && options.l1 !== undefined) throw new MarrUsageError('--l1 is the relu architecture\'s penalty; a topk SAE is sparse by --k');
  let source: ActivationSource;
  let model: HookedTransformer | null = null;
  let hookName: string | null = options.hook ?? null;
  const cfgExtra: Record<string, unknown> = {};
  if (options.activations) {
    if (options.model || options.data) throw new MarrUsageError('give either --activations <table.csv> or --model with --data, not both');
    source = tableActivationSource(await readActivationTable(options.activations));
    cfgExtra.dataset_path = options.activations;
  } else {
    if (!options.model) throw new MarrUsageError('--model is required (or --activations <table.csv> to train on a table of vectors)');
    if (!options.hook) throw new MarrUsageError('--hook is required: the hook point to read, e.g. blocks.0.hook_resid_post');
    if (!options.data) throw new MarrUsageError('--data is required: a text file (.txt, .jsonl, .csv) to run the model on');
    await requireFile(options.data, '--data file');
    model = await loadModel(options.model);
    source = modelActivationSource(model, options.hook, { dataPath: options.data, contextLength });
    hookName = options.hook;
    Object.assign(cfgExtra, { model_name: options.model, dataset_path: options.data, context_size: contextLength ?? Math.min(model.config.nCtx, 128), prepend_bos: model.tokenizer?.bosTokenId !== null });
  }
  try {
    const result = await trainSae({
      source, architecture: arch, width, k, l1, tokens, seed, batchSize, lr, hookName,
      cfgExtra: { ...cfgExtra, metadata: { ...cfgExtra, hook_name: hookName ?? undefined } },
      onProgress: hooks.onProgress, signal: hooks.signal,
    });
    await saveSae(result.sae, options.out);
    await writeJsonAtomic(join(options.out, 'training.json'), {
      architecture: arch, width, k: k ?? null, l1: arch === 'relu' ? l1 ?? 5 : null, tokens, seed, hook: hookName,
      model: options.model ?? null, data: options.data ?? options.activations ?? null,
      inputScale: result.inputScale, rowsRead: result.rowsRead,
      history: result.history.map(({ rowsPerSecond: _t, ...h }) => h),
    });
    return { ...result, out: options.out };
  } finally {
    await model?.dispose();
  }
}
