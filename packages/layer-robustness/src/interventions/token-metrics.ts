/**
 * Per-token comparison of an intervened model's next-token distributions with the original model's,
 * accumulated into means with standard errors.
 *
 * The original distributions of a batch are summarised once (`ReferenceDistributions`); each
 * intervention then needs one pass over its logits per row:
 *   KL(p || q) = sum_j p_j (x_j - y_j) + (lse(y) - lse(x)) * sum_j p_j
 * for original logits x with p = softmax(x) and intervened logits y (the factor sum_j p_j, 1 up to
 * rounding, keeps the identity exact for the stored probabilities, so identical logits give KL = 0).
 */
import type { Float32Tensor } from '@marr/core';
import { LN2, summarizeRow } from '../metrics/distribution.js';
import { RunningMean, RunningRatio } from '../metrics/stats.js';
import type { PredictionRows } from './prediction-rows.js';

export class ReferenceDistributions {
  readonly V: number;
  readonly n: number;
  /** Original logits of the scored rows, [n * V]. */
  readonly logits: Float32Array;
  readonly probs: Float32Array;
  readonly probSum: Float64Array;
  readonly logSumExp: Float64Array;
  /** Entropy in nats. */
  readonly entropy: Float64Array;
  readonly crossEntropy: Float64Array;
  readonly argmax: Int32Array;
  readonly targets: Int32Array;
  readonly rows: Int32Array;

  constructor(original: Float32Tensor, positions: PredictionRows) {
    const V = original.shape[original.shape.length - 1];
    const n = positions.rows.length;
    if (original.data.length !== positions.batch * positions.seq * V) {
      throw new RangeError(`ReferenceDistributions: logits of shape [${original.shape}] do not match ${positions.batch} windows of ${positions.seq} tokens`);
    }
    this.V = V;
    this.n = n;
    this.rows = positions.rows;
    this.targets = positions.targets;
    this.logits = new Float32Array(n * V);
    this.probs = new Float32Array(n * V);
    this.probSum = new Float64Array(n);
    this.logSumExp = new Float64Array(n);
    this.entropy = new Float64Array(n);
    this.crossEntropy = new Float64Array(n);
    this.argmax = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const src = positions.rows[i] * V;
      const o = i * V;
      this.logits.set(original.data.subarray(src, src + V), o);
      const s = summarizeRow(this.logits, o, V);
      let ps = 0;
      for (let j = 0; j < V; j++) {
        const p = Math.fround(Math.exp(this.logits[o + j] - s.logSumExp));
        this.probs[o + j] = p;
        ps += p;
      }
      this.probSum[i] = ps;
      this.logSumExp[i] = s.logSumExp;
      this.entropy[i] = s.logSumExp - s.expectedLogit;
      this.crossEntropy[i] = s.logSumExp - this.logits[o + this.targets[i]];
      this.argmax[i] = s.argmax;
    }
  }
}

/** The metrics of one intervention, as reported in `results.deletion` / `results.swap`. */
export interface InterventionMetrics {
  /** Mean KL(original || intervened), nats. */
  kl: number;
  /** Mean cross-entropy against the true next token, nats. */
  crossEntropy: number;
  crossEntropyOriginal: number;
  /** Mean entropy of the next-token distribution, bits. */
  entropy: number;
  entropyOriginal: number;
  /** Top-1 accuracy against the true next token. */
  accuracy: number;
  accuracyOriginal: number;
  /** accuracy / accuracyOriginal; null when the original accuracy is 0. */
  accuracyRetention: number | null;
  /** Fraction of positions where the intervened argmax equals the original argmax. */
  agreement: number;
  /** Standard errors of the means above (tokens as independent samples). */
  stderr: {
    kl: number;
    crossEntropy: number;
    crossEntropyOriginal: number;
    entropy: number;
    entropyOriginal: number;
    accuracy: number;
    accuracyOriginal: number;
    accuracyRetention: number | null;
    agreement: number;
  };
  /** Scored positions. */
  tokens: number;
}

export class InterventionAccumulator {
  private readonly kl = new RunningMean();
  private readonly ce = new RunningMean();
  private readonly ceOrig = new RunningMean();
  private readonly ent = new RunningMean();
  private readonly entOrig = new RunningMean();
  private readonly acc = new RunningMean();
  private readonly accOrig = new RunningMean();
  private readonly agree = new RunningMean();
  private readonly retention = new RunningRatio();

  /** Scores the intervened logits [batch, seq, V] (same windows as `ref`). */
  add(ref: ReferenceDistributions, intervened: Float32Tensor): void {
    const V = ref.V;
    if (intervened.shape[intervened.shape.length - 1] !== V) {
      throw new RangeError(`InterventionAccumulator: vocabulary ${intervened.shape.at(-1)} differs from the original's ${V}`);
    }
    const y = intervened.data;
    for (let i = 0; i < ref.n; i++) {
      const o = ref.rows[i] * V;
      const po = i * V;
      let max = -Infinity;
      let argmax = 0;
      for (let j = 0; j < V; j++) {
        const v = y[o + j];
        if (v > max) {
          max = v;
          argmax = j;
        }
      }
      let s = 0, sy = 0, d = 0;
      for (let j = 0; j < V; j++) {
        const v = y[o + j];
        const e = Math.exp(v - max);
        s += e;
        sy += e * v;
        d += ref.probs[po + j] * (ref.logits[po + j] - v);
      }
      const lse = max + Math.log(s);
      const target = ref.targets[i];
      const correct = argmax === target ? 1 : 0;
      const correctOrig = ref.argmax[i] === target ? 1 : 0;
      this.kl.add(d + (lse - ref.logSumExp[i]) * ref.probSum[i]);
      this.ce.add(lse - y[o + target]);
      this.ceOrig.add(ref.crossEntropy[i]);
      this.ent.add((lse - sy / s) / LN2);
      this.entOrig.add(ref.entropy[i] / LN2);
      this.acc.add(correct);
      this.accOrig.add(correctOrig);
      this.agree.add(argmax === ref.argmax[i] ? 1 : 0);
      this.retention.add(correct, correctOrig);
    }
  }

  result(): InterventionMetrics {
    const ratio = this.retention.ratio;
    const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
    return {
      kl: this.kl.mean,
      crossEntropy: this.ce.mean,
      crossEntropyOriginal: this.ceOrig.mean,
      entropy: this.ent.mean,
      entropyOriginal: this.entOrig.mean,
      accuracy: this.acc.mean,
      accuracyOriginal: this.accOrig.mean,
      accuracyRetention: finite(ratio),
      agreement: this.agree.mean,
      stderr: {
        kl: this.kl.stderr,
        crossEntropy: this.ce.stderr,
        crossEntropyOriginal: this.ceOrig.stderr,
        entropy: this.ent.stderr,
        entropyOriginal: this.entOrig.stderr,
        accuracy: this.acc.stderr,
        accuracyOriginal: this.accOrig.stderr,
        accuracyRetention: finite(this.retention.stderr),
        agreement: this.agree.stderr,
      },
      tokens: this.kl.n,
    };
  }
}
