/**
 * Mean ablation of every neuron of a layer, measured at the output (the authors' `mean_ablate_components`):
 * at each scored position the neuron's activation a is replaced by its dataset mean m, i.e.
 * (m - a) w_out is added to the final residual r. Then
 * - total effect: the final norm recomputed on r + (m - a) w_out;
 * - direct effect, `frozen-scale`: the norm's divisor frozen at its clean value (entropy neurons);
 * - direct effect, `frozen-projection`: the total-effect logits with their projection on a unit direction
 *   f of logit space put back to its clean value (token-frequency neurons).
 *
 * Instead of one readout per neuron and position, the sweep uses that the logits are
 * (r + delta w) W / s' + b = (z + delta u) / s' + b with z = r W and u = w W (see `effective-unembedding.ts`),
 * and that the new divisor follows from ||r||^2, r . w and ||w||^2 (LayerNorm: centred vectors). So one
 * matmul gives z for a chunk of positions, one gives u for a chunk of neurons, one gives r . w, and each
 * block of (neuron, position) pairs is one pass over the vocabulary (`logitStatsBlock`: an ONNX Runtime graph). bench/ablation.mjs compares it
 * with the naive one-forward-per-neuron re-run; test/ablation.test.ts checks it against that re-run.
 */
import { matmul, phase, tensor, throwIfCancelled, type Progress } from '@marr/core';
import type { EffectiveReadout } from '../readout/effective-unembedding.js';
import type { CleanRun } from './clean-run.js';
import { logitStatsBlock } from './logit-stats-batch.js';

export type DirectMode =
  | { kind: 'frozen-scale' }
  | {
      kind: 'frozen-projection';
      /** Unit vector in logit space, [V]. */
      f: Float32Array;
      /** A distribution over the vocabulary whose KL(q || model) is tracked, [V]. */
      q: Float32Array;
    };

export interface NeuronAblation {
  neuron: number;
  meanActivation: number;
  /** Mean |dLoss| with the norm recomputed (nats). */
  totalEffect: number;
  /** Mean |dLoss| of the direct path (nats). */
  directEffect: number;
  /** Mean signed dLoss, total (nats). */
  lossChange: number;
  /** Mean dEntropy, total (nats). */
  entropyChange: number;
  /** Mean dEntropy, direct (nats). */
  directEntropyChange: number;
  /** Fraction of scored positions whose argmax changes, total. */
  argmaxChangeFraction: number;
  /** frozen-projection only: mean d KL(q || model), total and direct (nats). */
  klChange: number | null;
  directKlChange: number | null;
}

export interface AblationSweep {
  neurons: NeuronAblation[];
  /** Scored positions. */
  tokens: number;
  /** Clean means over the scored positions (nats). */
  cleanLoss: number;
  cleanEntropy: number;
  cleanKl: number | null;
}

export interface SweepOptions {
  direct: DirectMode;
  /** Neurons to ablate (default: all). */
  neurons?: readonly number[];
  /** Cap on the floats of one [positions, V] or [neurons, V] block (default 4M). */
  blockFloats?: number;
  signal?: AbortSignal;
  progress?: Progress;
}

function dot(x: Float32Array, xo: number, y: Float32Array, yo: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[xo + i] * y[yo + i];
  return s;
}

export async function meanAblationSweep(
  readout: EffectiveReadout,
  run: CleanRun,
  mean: Float64Array,
  scored: Int32Array,
  options: SweepOptions,
): Promise<AblationSweep> {
  const { W, b, wOut, dModel: d, dVocab: V, dMlp: n, eps, layerNorm } = readout;
  const neurons = options.neurons ?? Array.from({ length: n }, (_, j) => j);
  const N = neurons.length;
  const block = options.blockFloats ?? 4_000_000;
  const posChunk = Math.max(1, Math.floor(block / V));
  const frequency = options.direct.kind === 'frozen-projection' ? options.direct : null;
  // Targets: the next token of each scored position.
  const T = run.T;
  const targetOf = (flat: number) => run.windows[Math.floor(flat / T)][(flat % T) + 1];

  // Per neuron: w rows (centred for LayerNorm already), ||w||^2, and the frequency dots of u = w W.
  const ww = new Float64Array(N);
  neurons.forEach((j, i) => (ww[i] = dot(wOut.data, j * d, wOut.data, j * d, d)));
  const bf = frequency ? dot(b, 0, frequency.f, 0, V) : 0;
  const bq = frequency ? dot(b, 0, frequency.q, 0, V) : 0;
  const fq = frequency ? dot(frequency.f, 0, frequency.q, 0, V) : 0;
  let qlogq = 0;
  if (frequency) for (let i = 0; i < V; i++) if (frequency.q[i] > 0) qlogq += frequency.q[i] * Math.log(frequency.q[i]);

  const acc = neurons.map(() => ({ absT: 0, absD: 0, dL: 0, dH: 0, dHD: 0, arg: 0, dK: 0, dKD: 0 }));
  let cleanLoss = 0, cleanEntropy = 0, cleanKl = 0;
  const S = scored.length;
  const posChunks = Math.ceil(S / posChunk);
  const neuronChunks = Math.ceil(N / Math.max(1, Math.floor(block / (Math.min(S, posChunk) * V))));
  const tick = options.progress ? phase(options.progress, 'mean ablation', posChunks * neuronChunks) : null;
  try {
    for (let ps = 0; ps < S; ps += posChunk) {
      const pe = Math.min(S, ps + posChunk);
      const C = pe - ps;
      const R = new Float32Array(C * d);
      for (let c = 0; c < C; c++) R.set(run.resid.subarray(scored[ps + c] * d, (scored[ps + c] + 1) * d), c * d);
      const Z = (await matmul(tensor([C, d], R), W)).data;
      const rr = new Float64Array(C);
      for (let c = 0; c < C; c++) {
        let m = 0;
        if (layerNorm) {
          for (let i = 0; i < d; i++) m += R[c * d + i];
          m /= d;
        }
        let s2 = 0;
        for (let i = 0; i < d; i++) s2 += (R[c * d + i] - m) ** 2;
        rr[c] = s2;
      }
      // Clean statistics per position, through the same kernel as the ablated ones (so rounding cancels).
      const inv = Float32Array.from({ length: C }, (_, c) => 1 / run.scale[scored[ps + c]]);
      const cs = await logitStatsBlock({ Z, U: new Float32Array(V), a: inv, k: new Float32Array(C), b, M: 1, C, V });
      const clean = Array.from({ length: C }, (_, c) => {
        const flat = scored[ps + c];
        const s = run.scale[flat];
        const target = targetOf(flat);
        const zf = frequency ? dot(Z, c * V, frequency.f, 0, V) : 0;
        const zq = frequency ? dot(Z, c * V, frequency.q, 0, V) : 0;
        const lse = cs.lse[c];
        const kl = frequency ? qlogq - (zq / s + bq - lse) : 0;
        return { s, target, loss: lse - (Z[c * V + target] / s + b[target]), entropy: cs.entropy[c], argmax: cs.argmax[c], zf, zq, proj: zf / s + bf, kl };
      });
      for (const c of clean) {
        cleanLoss += c.loss;
        cleanEntropy += c.entropy;
        cleanKl += c.kl;
      }
      const neuronChunk = Math.max(1, Math.floor(block / (C * V)));
      for (let ns = 0; ns < N; ns += neuronChunk) {
        throwIfCancelled(options.signal);
        const ne = Math.min(N, ns + neuronChunk);
        const M = ne - ns;
        const Wrows = new Float32Array(M * d);
        for (let i = 0; i < M; i++) Wrows.set(wOut.data.subarray(neurons[ns + i] * d, (neurons[ns + i] + 1) * d), i * d);
        const U = (await matmul(tensor([M, d], Wrows), W)).data;
        const D = (await matmul(tensor([C, d], R), tensor([M, d], Wrows), { transposeB: true })).data;
        // Coefficients of every (neuron, position): total (divisor recomputed on r + delta w) and direct.
        const aT = new Float32Array(M * C), kT = new Float32Array(M * C), aD = new Float32Array(M * C), kD = new Float32Array(M * C), eD = new Float32Array(M * C);
        const deltas = new Float64Array(M * C);
        const uf = new Float64Array(M), uq = new Float64Array(M);
        for (let i = 0; i < M; i++) {
          const j = neurons[ns + i];
          if (frequency) {
            uf[i] = dot(U, i * V, frequency.f, 0, V);
            uq[i] = dot(U, i * V, frequency.q, 0, V);
          }
          for (let c = 0; c < C; c++) {
            const x = i * C + c;
            const delta = mean[j] - run.acts[scored[ps + c] * n + j];
            deltas[x] = delta;
            const sT = Math.sqrt((rr[c] + 2 * delta * D[c * M + i] + delta * delta * ww[ns + i]) / d + eps);
            aT[x] = 1 / sT;
            kT[x] = delta / sT;
            if (frequency) {
              // Direct: the total-effect logits with their projection on f put back to its clean value.
              aD[x] = aT[x];
              kD[x] = kT[x];
              eD[x] = clean[c].proj - (clean[c].zf / sT + (delta / sT) * uf[i] + bf);
            } else {
              aD[x] = 1 / clean[c].s;
              kD[x] = delta / clean[c].s;
            }
          }
        }
        const tot = await logitStatsBlock({ Z, U, a: aT, k: kT, b, M, C, V });
        const dir = await logitStatsBlock({ Z, U, a: aD, k: kD, b, M, C, V, ...(frequency ? { f: frequency.f, e: eD } : {}) });
        for (let i = 0; i < M; i++) {
          const acc1 = acc[ns + i];
          for (let c = 0; c < C; c++) {
            const x = i * C + c;
            if (deltas[x] === 0) continue;
            const cl = clean[c];
            const t = cl.target;
            const zt = Z[c * V + t], ut = U[i * V + t];
            const lossT = tot.lse[x] - (aT[x] * zt + kT[x] * ut + b[t]);
            acc1.absT += Math.abs(lossT - cl.loss);
            acc1.dL += lossT - cl.loss;
            acc1.dH += tot.entropy[x] - cl.entropy;
            if (tot.argmax[x] !== cl.argmax) acc1.arg++;
            const lossD = dir.lse[x] - (aD[x] * zt + kD[x] * ut + b[t] + (frequency ? eD[x] * frequency.f[t] : 0));
            acc1.absD += Math.abs(lossD - cl.loss);
            acc1.dHD += dir.entropy[x] - cl.entropy;
            if (frequency) {
              acc1.dK += qlogq - (cl.zq * aT[x] + kT[x] * uq[i] + bq - tot.lse[x]) - cl.kl;
              acc1.dKD += qlogq - (cl.zq * aD[x] + kD[x] * uq[i] + bq + eD[x] * fq - dir.lse[x]) - cl.kl;
            }
          }
        }
        tick?.tick();
      }
    }
  } finally {
    tick?.done();
  }
  const per = (x: number) => (S > 0 ? x / S : 0);
  return {
    tokens: S,
    cleanLoss: per(cleanLoss),
    cleanEntropy: per(cleanEntropy),
    cleanKl: frequency ? per(cleanKl) : null,
    neurons: neurons.map((j, i) => {
      const a = acc[i];
      return {
        neuron: j,
        meanActivation: mean[j],
        totalEffect: per(a.absT),
        directEffect: per(a.absD),
        lossChange: per(a.dL),
        entropyChange: per(a.dH),
        directEntropyChange: per(a.dHD),
        argmaxChangeFraction: per(a.arg),
        klChange: frequency ? per(a.dK) : null,
        directKlChange: frequency ? per(a.dKD) : null,
      };
    }),
  };
}

/** 1 - mean|dL_direct| / mean|dL_total| (means over tokens, then the ratio); null when the total is 0. */
export function mediatedFraction(total: number, direct: number): number | null {
  return total > 0 ? 1 - direct / total : null;
}
