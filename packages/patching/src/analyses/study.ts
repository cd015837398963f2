/** What both analyses share: choosing the pairs, the metric, progress, and checking the metric's gap. */
import {
  MarrUsageError, patchingMetric, PER_HEAD_HOOKS, type HookedTransformer, type PatchHook, type PatchingMetric, type PatchingMetricName, type PatchOver, type Progress,
} from '@marr/core';
import type { TokenizedPairs } from '../pairs/prompt-pairs.js';
import { fmt } from '../report/format.js';

export interface StudyIo {
  progress: Progress;
  signal: AbortSignal;
}

/**
 * The grid's parameters checked against the model and the pairs, as usage errors naming the parameter
 * and the fix: a per-head grid needs a per-head hook, neurons need mlp_post, resid_mid needs sequential
 * blocks, positions need pairs of one length.
 */
export function checkGridParams(model: HookedTransformer, pairs: TokenizedPairs, hook: PatchHook, over: PatchOver): void {
  if (over === 'layer-head' && !PER_HEAD_HOOKS.includes(hook)) {
    throw new MarrUsageError(`over=layer-head needs a per-head hook: pass --param hook=z, hook=result or hook=pattern (got hook=${hook}), or use over=layer or layer-position`);
  }
  if (over === 'layer-neuron' && hook !== 'mlp_post') {
    throw new MarrUsageError(`over=layer-neuron is per MLP neuron: pass --param hook=mlp_post (got hook=${hook}), or use over=layer or layer-position`);
  }
  if (hook === 'resid_mid' && model.config.parallelAttnMlp) {
    throw new MarrUsageError('this model runs attention and MLP in parallel, so it has no resid_mid; use hook=resid_pre, resid_post, attn_out or mlp_out');
  }
  if (over === 'layer-position') {
    const lengths = new Map<number, number[]>();
    pairs.clean.forEach((c, i) => lengths.set(c.length, [...(lengths.get(c.length) ?? []), pairs.lines[i]]));
    if (lengths.size > 1) {
      const list = [...lengths].map(([len, lines]) => `${len} tokens on line${lines.length > 1 ? 's' : ''} ${lines.slice(0, 5).join(', ')}${lines.length > 5 ? ', ...' : ''}`).join('; ');
      throw new MarrUsageError(`over=layer-position lines positions up across pairs, so every pair must have the same length, but they have ${list}; keep pairs of one length, or use over=layer`);
    }
  }
}

export const OVER_TEXT: Record<PatchOver, string> = {
  layer: 'per layer', 'layer-position': 'per layer and position', 'layer-head': 'per layer and head', 'layer-neuron': 'per layer and MLP neuron',
};

/** The x axis of a grid's figures and tables. */
export const OVER_AXIS: Record<PatchOver, string> = { layer: 'activation', 'layer-position': 'position', 'layer-head': 'head', 'layer-neuron': 'neuron' };

export function firstPairs(pairs: TokenizedPairs, max: number): TokenizedPairs {
  if (pairs.clean.length <= max) return pairs;
  const cut = <T>(xs: T[]) => xs.slice(0, max);
  return {
    clean: cut(pairs.clean), corrupted: cut(pairs.corrupted), answers: cut(pairs.answers), wrongs: cut(pairs.wrongs),
    cleanTokens: cut(pairs.cleanTokens), corruptedTokens: cut(pairs.corruptedTokens), lines: cut(pairs.lines),
  };
}

export function metricFor(name: PatchingMetricName, pairs: TokenizedPairs): PatchingMetric {
  return patchingMetric(name, pairs.answers, pairs.wrongs);
}

/** A progress callback for the library's (done, total) reports. */
export function progressTicker(io: StudyIo, label: string): (done: number, total: number) => void {
  let started = false;
  let last = 0;
  return (done, total) => {
    if (!started) {
      io.progress.start(label, Math.ceil(total));
      started = true;
    }
    const d = Math.floor(done);
    if (d > last) io.progress.tick(d - last);
    last = d;
    if (done >= total) io.progress.done();
  };
}

export function checkGap(clean: number, corrupted: number, metric: string): void {
  // Relative to float32 precision: the two baselines may come from different kernels (attribution patching
  // reads the corrupted one from the gradient run), so equal prompts can differ in the last bits.
  if (!(Math.abs(clean - corrupted) > 1e-5 * Math.max(1, Math.abs(clean), Math.abs(corrupted)))) {
    throw new MarrUsageError(
      `the ${metric} metric is the same on the clean and the corrupted prompts (${fmt(clean, 6)}), so nothing can be normalised; choose pairs whose corrupted prompt changes the answer, or another metric`,
    );
  }
}
