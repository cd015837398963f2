/**
 * The logit lens: the residual stream after every block, read out through the model's own final norm
 * (recomputed on that residual, never the final layer's cached scale) and unembedding. Per layer:
 * entropy of the lens distribution (bits), KL(final || lens) (nats), the rank of the final top token
 * in the lens distribution, and how often the lens's top token already is the final one. Positions
 * are those the sweep scores (every position except the first and the last of each window).
 */
import { batches } from '@marr/core';
import type { HookedTransformer } from '@marr/core';
import { relativeDepth } from '../metrics/depth.js';
import { RunningMean } from '../metrics/stats.js';
import { predictionRows } from '../interventions/prediction-rows.js';
import { defaultBatchWindows } from '../interventions/sweep.js';
import { identitySchedule } from '../interventions/schedules.js';
import { InterventionAccumulator, ReferenceDistributions } from '../interventions/token-metrics.js';

export interface LogitLensLayer {
  layer: number;
  /** layer / (L - 1); 1 for a one-layer model. */
  relativeDepth: number;
  /** Mean entropy of the lens distribution, bits. */
  entropy: number;
  /** Mean KL(final || lens), nats. */
  kl: number;
  /** Mean rank of the final distribution's top token under the lens (0 = also the lens's top token). */
  finalTopRank: number;
  /** Fraction of positions where the lens's top token is the final top token. */
  finalTopAgreement: number;
  /** Mean cross-entropy of the lens distribution against the true next token, nats. */
  crossEntropy: number;
  stderr: { entropy: number; kl: number; finalTopRank: number; finalTopAgreement: number; crossEntropy: number };
  tokens: number;
}

export interface LensOptions {
  batchWindows?: number;
  signal?: AbortSignal;
  onStep?: () => void;
}

export async function logitLens(
  model: HookedTransformer,
  windows: readonly (readonly number[])[],
  options: LensOptions = {},
): Promise<LogitLensLayer[]> {
  const L = model.config.nLayers;
  if (windows.length === 0) throw new RangeError('logitLens: no token windows');
  const seq = windows[0].length;
  const batchWindows = options.batchWindows ?? defaultBatchWindows(seq, model.config.dVocab, model.config.nHeads, L);
  const accs = identitySchedule(L).map(() => new InterventionAccumulator());
  const ranks = identitySchedule(L).map(() => new RunningMean());
  const names = identitySchedule(L).map((l) => `blocks.${l}.hook_resid_post`);
  const V = model.config.dVocab;
  for await (const { items: batch } of batches(windows, { size: batchWindows, signal: options.signal })) {
    const positions = predictionRows(batch);
    const final = await model.run(batch, { cache: names });
    options.onStep?.();
    const ref = new ReferenceDistributions(final.logits!, positions);
    for (let l = 0; l < L; l++) {
      const lens = await model.unembed(model.finalNorm(final.cache.get(names[l])));
      options.onStep?.();
      accs[l].add(ref, lens);
      for (let i = 0; i < ref.n; i++) {
        const o = ref.rows[i] * V;
        const top = ref.argmax[i];
        const v = lens.data[o + top];
        let rank = 0;
        for (let j = 0; j < V; j++) {
          const x = lens.data[o + j];
          if (x > v || (x === v && j < top)) rank++;
        }
        ranks[l].add(rank);
      }
    }
  }
  return accs.map((acc, layer) => {
    const m = acc.result();
    return {
      layer,
      relativeDepth: relativeDepth(layer, L),
      entropy: m.entropy,
      kl: m.kl,
      finalTopRank: ranks[layer].mean,
      finalTopAgreement: m.agreement,
      crossEntropy: m.crossEntropy,
      stderr: { entropy: m.stderr.entropy, kl: m.stderr.kl, finalTopRank: ranks[layer].stderr, finalTopAgreement: m.stderr.agreement, crossEntropy: m.stderr.crossEntropy },
      tokens: m.tokens,
    };
  });
}

/** The logit lens on one window, token by token: each layer's most likely next token at each position. */
export interface LensTokenView {
  /** The window's tokens (ids), positions 0..n-1. */
  input: number[];
  /** Per layer: the top token id and its probability at each position. */
  layers: { layer: number; top: number[]; probability: number[] }[];
}

/** The top token of the logit lens after every block, at the first `positions` positions of `window`. */
export async function lensTokenView(model: HookedTransformer, window: readonly number[], positions: number): Promise<LensTokenView> {
  const L = model.config.nLayers, V = model.config.dVocab;
  const n = Math.min(positions, window.length);
  const names = identitySchedule(L).map((l) => `blocks.${l}.hook_resid_post`);
  const run = await model.run([window], { cache: names, returnLogits: false });
  const layers: LensTokenView['layers'] = [];
  for (let l = 0; l < L; l++) {
    const logits = await model.unembed(model.finalNorm(run.cache.get(names[l])));
    const top: number[] = [], probability: number[] = [];
    for (let p = 0; p < n; p++) {
      const row = logits.data.subarray(p * V, (p + 1) * V);
      let best = 0;
      for (let j = 1; j < V; j++) if (row[j] > row[best]) best = j;
      let z = 0;
      for (let j = 0; j < V; j++) z += Math.exp(row[j] - row[best]);
      top.push(best);
      probability.push(1 / z);
    }
    layers.push({ layer: l, top, probability });
  }
  return { input: window.slice(0, n), layers };
}
