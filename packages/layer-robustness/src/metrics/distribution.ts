/**
 * Metrics of next-token distributions given as logits, one distribution per row of the last axis:
 * KL divergence, entropy, cross-entropy and top-1 correctness. All sums run in float64.
 *
 * These are the user-facing, per-row versions; the sweep uses the same formulas in
 * `interventions/token-metrics.ts`, fused into one pass per row.
 */
import type { Float32Tensor } from '@marr/core';

export const LN2 = Math.LN2;

function rowsOf(t: Float32Tensor, what: string): { rows: number; V: number } {
  if (t.shape.length < 1) throw new RangeError(`${what}: logits need at least one dimension (the vocabulary)`);
  const V = t.shape[t.shape.length - 1];
  if (V === 0) throw new RangeError(`${what}: the vocabulary axis is empty`);
  return { rows: t.data.length / V, V };
}

function sameShape(a: Float32Tensor, b: Float32Tensor, what: string): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new RangeError(`${what}: the two logit tensors must have the same shape, got [${a.shape}] and [${b.shape}]`);
  }
}

/** Facts about one row of logits x: its maximum and argmax, log-sum-exp, and E_p[x] under p = softmax(x). */
export interface RowSummary {
  max: number;
  argmax: number;
  logSumExp: number;
  /** sum_j p_j x_j; the entropy in nats is logSumExp - expectedLogit. */
  expectedLogit: number;
}

export function summarizeRow(x: ArrayLike<number>, offset: number, V: number): RowSummary {
  let max = -Infinity;
  let argmax = 0;
  for (let j = 0; j < V; j++) {
    const v = x[offset + j];
    if (v > max) {
      max = v;
      argmax = j;
    }
  }
  let s = 0, sx = 0;
  for (let j = 0; j < V; j++) {
    const v = x[offset + j];
    const e = Math.exp(v - max);
    s += e;
    sx += e * v;
  }
  return { max, argmax, logSumExp: max + Math.log(s), expectedLogit: sx / s };
}

/** Log-sum-exp of each row. */
export function logSumExp(logits: Float32Tensor): Float64Array {
  const { rows, V } = rowsOf(logits, 'logSumExp');
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = summarizeRow(logits.data, r * V, V).logSumExp;
  return out;
}

/** Entropy of softmax(logits) per row, in nats (default) or bits. */
export function entropy(logits: Float32Tensor, unit: 'nats' | 'bits' = 'nats'): Float64Array {
  const { rows, V } = rowsOf(logits, 'entropy');
  const out = new Float64Array(rows);
  const k = unit === 'bits' ? 1 / LN2 : 1;
  for (let r = 0; r < rows; r++) {
    const s = summarizeRow(logits.data, r * V, V);
    out[r] = (s.logSumExp - s.expectedLogit) * k;
  }
  return out;
}

/** KL(softmax(p) || softmax(q)) per row, in nats. */
export function klDivergence(p: Float32Tensor, q: Float32Tensor): Float64Array {
  sameShape(p, q, 'klDivergence');
  const { rows, V } = rowsOf(p, 'klDivergence');
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * V;
    const lseP = summarizeRow(p.data, o, V).logSumExp;
    const lseQ = summarizeRow(q.data, o, V).logSumExp;
    let kl = 0;
    for (let j = 0; j < V; j++) {
      const lp = p.data[o + j] - lseP;
      const pj = Math.exp(lp);
      if (pj > 0) kl += pj * (lp - (q.data[o + j] - lseQ));
    }
    out[r] = kl;
  }
  return out;
}

function checkTargets(targets: ArrayLike<number>, rows: number, V: number, what: string): void {
  if (targets.length !== rows) throw new RangeError(`${what}: ${rows} rows of logits but ${targets.length} targets`);
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    if (!Number.isInteger(t) || t < 0 || t >= V) throw new RangeError(`${what}: target ${t} at row ${i} is outside the vocabulary [0, ${V})`);
  }
}

/** -log softmax(logits)[target] per row, in nats. */
export function crossEntropy(logits: Float32Tensor, targets: ArrayLike<number>): Float64Array {
  const { rows, V } = rowsOf(logits, 'crossEntropy');
  checkTargets(targets, rows, V, 'crossEntropy');
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = summarizeRow(logits.data, r * V, V).logSumExp - logits.data[r * V + targets[r]];
  return out;
}

/** 1 where the row's argmax (first maximum) equals the target, else 0. */
export function top1Correct(logits: Float32Tensor, targets: ArrayLike<number>): Uint8Array {
  const { rows, V } = rowsOf(logits, 'top1Correct');
  checkTargets(targets, rows, V, 'top1Correct');
  const out = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) out[r] = summarizeRow(logits.data, r * V, V).argmax === targets[r] ? 1 : 0;
  return out;
}

/** 1 where the two rows have the same argmax, else 0. */
export function argmaxAgreement(a: Float32Tensor, b: Float32Tensor): Uint8Array {
  sameShape(a, b, 'argmaxAgreement');
  const { rows, V } = rowsOf(a, 'argmaxAgreement');
  const out = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) out[r] = summarizeRow(a.data, r * V, V).argmax === summarizeRow(b.data, r * V, V).argmax ? 1 : 0;
  return out;
}

/** Rank of `token` in each row: 0 when it is the row's argmax (ties broken by index, as argmax does). */
export function tokenRank(logits: Float32Tensor, tokens: ArrayLike<number>): Int32Array {
  const { rows, V } = rowsOf(logits, 'tokenRank');
  checkTargets(tokens, rows, V, 'tokenRank');
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * V;
    const v = logits.data[o + tokens[r]];
    let above = 0;
    for (let j = 0; j < V; j++) {
      const x = logits.data[o + j];
      if (x > v || (x === v && j < tokens[r])) above++;
    }
    out[r] = above;
  }
  return out;
}
