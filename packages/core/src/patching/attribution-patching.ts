/**
 * Attribution patching (Nanda 2023, "Attribution Patching: Activation Patching At Industrial Scale";
 * Syed, Rager & Conmy 2023; TransformerLens's attribution-patching demo): the first-order Taylor
 * approximation of activation patching. Patching activation `a` of the corrupted run with its clean
 * value changes the metric by about (a_clean − a_corrupted) · ∂metric/∂a at the corrupted run, so one
 * clean forward (cached) and one corrupted forward with one backward pass estimate every cell of every
 * grid at once, where activation patching needs one patched run per cell.
 *
 * The grid is activationPatching's: the same hooks, the same `over`, the same `direction`, the same
 * normalisation, so the two compare cell by cell.
 */
import { gradMetrics } from '../grad/metrics.js';
import { leftPad } from '../model/token-batch.js';
import type { HookedTransformer, OptInGroup } from '../model/types.js';
import { throwIfCancelled } from '../toolkit/cancellation.js';
import { checkPatchGrid, gridColumns, patchHookName, type ActivationPatchingOptions, type PatchingGrid, type PatchOver } from './activation-patching.js';
import type { PatchingMetric } from './metrics.js';
import { mean, normalise } from './pairs.js';
import { rowAxes } from './patched-rows.js';

export type AttributionPatchingOptions = ActivationPatchingOptions;

export interface AttributionPatchingGrid extends PatchingGrid {
  /**
   * The first-order estimate of the metric's change, averaged over pairs, [row][column]:
   * Σ over the cell's elements of (source − run) activation × ∂metric/∂activation at the run.
   * `values` = the run's own metric + this (the estimate of the patched metric).
   */
  attribution: number[][];
  /**
   * What it cost, in passes over every pair: one forward of the source prompts (cached), one forward
   * of the prompts being run with one backward pass. (`batches` of at most batchSize pairs each.)
   */
  passes: { forward: number; backward: number; batches: number };
}

/**
 * The activation-patching grid estimated from gradients. `denoise` (default): the gradient at the
 * corrupted run, times (clean − corrupted) activation; `noise`: the gradient at the clean run, times
 * (corrupted − clean). Pairs of different lengths run in one left-padded batch (not for
 * `layer-position`, whose positions must line up); the metric is read at each pair's last token.
 */
export async function attributionPatching(options: AttributionPatchingOptions): Promise<AttributionPatchingGrid> {
  const { model, metric, hook, over } = options;
  const cfg = model.config;
  const fn = 'attributionPatching';
  const pairs = checkPatchGrid(fn, cfg, hook, over, options.clean, options.corrupted);
  if (typeof metric.gradient !== 'function') {
    throw new Error(
      `${fn}: the metric "${metric.name}" has no gradient (PatchingMetric.gradient, d metric / d last-position logits), which attribution patching needs; ` +
        'use logitDiffMetric, answerProbabilityMetric or answerLossMetric, or give your metric a gradient',
    );
  }
  if (typeof model.runWithGrad !== 'function') throw new Error(`${fn}: this model has no runWithGrad, so no gradients can be taken through it`);
  const batchSize = options.batchSize ?? 16;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`${fn}: batchSize must be a positive integer, got ${batchSize}`);
  const direction = options.direction ?? 'denoise';
  const P = pairs.clean.length;
  const T = pairs.clean[0].length;
  const L = cfg.nLayers;
  const names = Array.from({ length: L }, (_, l) => patchHookName(hook, l));
  const optIn: OptInGroup[] | undefined = hook === 'result' ? ['attnResult'] : undefined;
  const columns = gridColumns(cfg, over, T);
  // The run the gradient is taken at, and the prompts whose activations are patched in.
  const [runTokens, sourceTokens] = direction === 'denoise' ? [pairs.corrupted, pairs.clean] : [pairs.clean, pairs.corrupted];
  const padId = cfg.eosTokenId ?? cfg.bosTokenId ?? 0;

  const sums = names.map(() => new Float64Array(columns.length));
  const runMetric: number[] = new Array(P);
  const sourceMetric: number[] = new Array(P);
  let batches = 0;
  for (let start = 0; start < P; start += batchSize) {
    throwIfCancelled(options.signal);
    const end = Math.min(P, start + batchSize);
    const source = leftPad(sourceTokens.slice(start, end), padId);
    const run = leftPad(runTokens.slice(start, end), padId);
    const B = end - start;
    const Tb = source.tokens[0].length;
    const clean = await model.run(source.tokens, { attentionMask: source.attentionMask, cache: names, ...(optIn ? { optIn } : {}) });
    throwIfCancelled(options.signal);
    const rowMetric = offsetMetric(metric, start);
    const withGrad = await model.runWithGrad(run.tokens, {
      attentionMask: run.attentionMask,
      metric: gradMetrics.lastPosition(rowMetric),
      wrt: names,
      cache: names,
      ...(optIn ? { optIn } : {}),
    });
    const V = cfg.dVocab;
    for (let b = 0; b < B; b++) {
      const last = (b * Tb + Tb - 1) * V;
      sourceMetric[start + b] = metric.evaluate(clean.logits!.data.subarray(last, last + V), start + b);
      runMetric[start + b] = metric.evaluate(withGrad.logits.data.subarray(last, last + V), start + b);
    }
    names.forEach((name, l) => {
      const src = clean.cache.get(name);
      const self = withGrad.cache.get(name);
      const grad = withGrad.grads.get(name);
      if (!grad) throw new Error(`internal: runWithGrad returned no gradient for ${name}`);
      const rowShape = src.shape.slice(1);
      const rowSize = src.data.length / B;
      for (let b = 0; b < B; b++) {
        // The gradient of the batch mean is 1/B of each row's own; each row's attribution counts once.
        accumulateCells(sums[l], rowShape, cellAxes(name, rowShape, over), Tb - source.lengths[b], B, {
          source: src.data.subarray(b * rowSize, (b + 1) * rowSize),
          run: self.data.subarray(b * rowSize, (b + 1) * rowSize),
          grad: grad.data.subarray(b * rowSize, (b + 1) * rowSize),
        });
      }
    });
    batches++;
    options.onProgress?.(end, P);
  }

  const clean = mean(direction === 'denoise' ? sourceMetric : runMetric);
  const corrupted = mean(direction === 'denoise' ? runMetric : sourceMetric);
  const base = mean(runMetric);
  const attribution = sums.map((row) => Array.from(row, (s) => s / P));
  const values = attribution.map((row) => row.map((a) => base + a));
  return {
    hook, over, metric: metric.name, direction,
    rows: Array.from({ length: L }, (_, l) => `L${l}`),
    columns, values,
    normalised: values.map((row) => row.map((v) => normalise(v, clean, corrupted))),
    clean, corrupted, attribution,
    passes: { forward: 2, backward: 1, batches },
  };
}

/** `metric` for the rows of a batch that starts at pair `offset` (row b is pair offset + b). */
function offsetMetric(metric: PatchingMetric, offset: number): PatchingMetric {
  const gradient = metric.gradient!.bind(metric);
  return {
    name: metric.name,
    evaluate: (logits, row) => metric.evaluate(logits, offset + row),
    gradient: (logits, row) => gradient(logits, offset + row),
  };
}

interface CellAxes {
  /** The axis of one batch row that indexes grid columns (null: one column). */
  column: number | null;
  /** The position axis (query positions for patterns). */
  pos: number;
}

function cellAxes(name: string, rowShape: readonly number[], over: PatchOver): CellAxes {
  const { pos, head } = rowAxes(name);
  switch (over) {
    case 'layer':
      return { column: null, pos };
    case 'layer-position':
      return { column: pos, pos };
    case 'layer-head':
      return { column: head, pos };
    case 'layer-neuron':
      return { column: rowShape.length - 1, pos };
  }
}

/**
 * Adds Σ (source − run) × grad × `scale` of one batch row to its cells; the first `pad` positions
 * (left padding) are skipped.
 */
function accumulateCells(
  out: Float64Array,
  rowShape: readonly number[],
  axes: CellAxes,
  pad: number,
  scale: number,
  row: { source: Float32Array; run: Float32Array; grad: Float32Array },
): void {
  const strides: number[] = [];
  let acc = 1;
  for (let i = rowShape.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= rowShape[i];
  }
  const { source, run, grad } = row;
  const posStride = strides[axes.pos], posSize = rowShape[axes.pos];
  const colStride = axes.column === null ? 0 : strides[axes.column], colSize = axes.column === null ? 1 : rowShape[axes.column];
  for (let i = 0; i < source.length; i++) {
    if (pad > 0 && Math.floor(i / posStride) % posSize < pad) continue;
    const c = axes.column === null ? 0 : Math.floor(i / colStride) % colSize;
    out[c] += (source[i] - run[i]) * grad[i] * scale;
  }
}
