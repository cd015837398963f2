/**
 * One shard's statistics: the shard's token windows through every model, batch by batch (core's
 * `batches`: progress and cancellation), the running sums of streaming-sums.ts, and the constants every
 * shard computes identically (shape, layers, weight statistics, token strings).
 */
import {
  batches, matmul, MarrUsageError, partialArray, shardItems, tensor, textWindows,
  type AnalysisContext, type PartialState, type ShardSelection,
} from '@marr/core';
import { excludedTokens, keptPositions, mlpActivations } from '../activations/mlp-activations.js';
import { baselineMatrix } from '../correlation/baseline.js';
import { StreamingSums, type SumsShape } from '../correlation/streaming-sums.js';
import { weightStatistics } from '../statistics/weight-statistics.js';
import { checkComparable, selectedLayers } from './models.js';
import type { UniversalNeuronsParams } from './params.js';

/** Layers' [n, d] blocks side by side: [n, layers * d]. */
function concatLayers(blocks: readonly Float32Array[], n: number, d: number): Float32Array {
  if (blocks.length === 1) return blocks[0];
  const width = blocks.length * d;
  const out = new Float32Array(n * width);
  for (let t = 0; t < n; t++) blocks.forEach((b, l) => out.set(b.subarray(t * d, (t + 1) * d), t * width + l * d));
  return out;
}

function transposed(a: Float32Array, d: number): Float32Array {
  const out = new Float32Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[j * d + i] = a[i * d + j];
  return out;
}

export async function universalityPartial(ctx: AnalysisContext<UniversalNeuronsParams>, shard: ShardSelection): Promise<PartialState> {
  const { models, params } = ctx;
  checkComparable(models);
  const [first, ...others] = models;
  const { nLayers: L, dMlp: d, dVocab: V } = first.config;
  const layers = selectedLayers(first, params.layers);
  const windows = textWindows(ctx, first, params);
  const contextLength = windows[0].length;
  const shape: SumsShape = {
    rows: layers.length * d, cols: L * d, others: others.length,
    vocab: params.tokenFeatures ? V : 0, positions: params.tokenFeatures ? contextLength : 0,
  };
  const mb = (StreamingSums.values(shape) * 8) / 2 ** 20;
  if (mb > params.maxStateMB) {
    throw new MarrUsageError(
      `the float64 sums for ${shape.rows} x ${shape.cols} neuron pairs of ${others.length} other model(s) (and baselines) need ${Math.ceil(mb)} MB, more than maxStateMB=${params.maxStateMB}; ` +
        `compare fewer of model 1's layers at a time (--param layers=0), ${params.tokenFeatures ? 'turn off the token features (--param tokenFeatures=false), ' : ''}or raise --param maxStateMB`,
    );
  }
  // Shards split the run's batches (not its windows), so a batch's float32 matrix product is the same
  // in a shard as in a whole run and merged shards differ from it only by float64 rounding.
  const allBatches: number[][][] = [];
  for (let start = 0; start < windows.length; start += params.batchSize) allBatches.push(windows.slice(start, start + params.batchSize));
  const { items, range } = shardItems(allBatches, shard);
  const excluded = excludedTokens(first.tokenizer);
  // The baseline is Y R^T; R^T is formed once here (ONNX Runtime's transposed-operand path is slower).
  const rotations = others.map((_, m) => Array.from({ length: L }, (_, l) => tensor([d, d], transposed(baselineMatrix(ctx.seed, m + 1, l, d), d))));
  const all = Array.from({ length: L }, (_, l) => l);
  const sums = new StreamingSums(shape);
  for await (const { items: [batchWindows] } of batches(items, { size: 1, signal: ctx.signal, progress: ctx.progress, label: `correlating ${models.length} models` })) {
    const kept = keptPositions(batchWindows, excluded);
    const n = kept.count;
    if (n === 0) continue;
    const x = concatLayers(await mlpActivations(first, batchWindows, kept, layers), n, d);
    const y: Float32Array[] = [];
    const b: Float32Array[] = [];
    for (const [m, model] of others.entries()) {
      const acts = await mlpActivations(model, batchWindows, kept, all);
      y.push(concatLayers(acts, n, d));
      const rotated: Float32Array[] = [];
      for (let l = 0; l < L; l++) rotated.push((await matmul(tensor([n, d], acts[l]), rotations[m][l])).data);
      b.push(concatLayers(rotated, n, d));
    }
    await sums.add({ n, x, y, b, token: kept.token, previous: kept.previous, position: kept.position });
  }
  const constants = {
    shape: partialArray([6], new Float64Array([L, d, models.length, V, contextLength, params.tokenFeatures ? 1 : 0])),
    layers: partialArray([layers.length], Float64Array.from(layers)),
    windows: partialArray([1], new Float64Array([windows.length])),
    weights: partialArray([layers.length * d, 8], await weightStatistics(first, layers)),
  };
  const text = params.tokenFeatures && first.tokenizer
    ? { vocabulary: Array.from({ length: V }, (_, id) => first.tokenizer!.tokenString(id)) }
    : undefined;
  const state = sums.state(range, constants);
  if (text) state.text = text;
  return state;
}
