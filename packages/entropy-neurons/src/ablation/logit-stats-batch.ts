/**
 * `logitStats` for a block of (neuron, position) pairs at once: logits
 *   X[m, c, :] = a[m, c] Z[c, :] + k[m, c] U[m, :] + b (+ e[m, c] f)
 * and, per pair, log-sum-exp, entropy (nats) and argmax. On ONNX Runtime this is one small graph
 * (broadcast multiply-adds, ReduceMax, Exp, ReduceSum, ArgMax: vectorised exp instead of one
 * Math.exp per logit), compiled once per shape signature; on a backend without graphs it falls back to
 * the float64 JavaScript pass (`logitStats`). The two agree to float32 rounding (test/ablation-kernels.test.ts).
 */
import { defaultBackend, OnnxGraph, tensor } from '@marr/core';
import { logitStats, type LogitStats } from './logit-pass.js';

export interface LogitBlock {
  /** [C, V]. */
  Z: Float32Array;
  /** [M, V]. */
  U: Float32Array;
  /** [M * C] each. */
  a: Float32Array;
  k: Float32Array;
  /** Optional extra direction f [V] with coefficients e [M * C]. */
  f?: Float32Array;
  e?: Float32Array;
  b: Float32Array;
  M: number;
  C: number;
  V: number;
}

export interface BlockStats {
  lse: Float32Array | Float64Array;
  entropy: Float32Array | Float64Array;
  argmax: Int32Array;
}

function buildGraph(withF: boolean): OnnxGraph {
  const g = new OnnxGraph();
  const Z = g.input('Z', ['C', 'V']);
  const U = g.input('U', ['M', 'V']);
  const A = g.input('A', ['M', 'C', 1]);
  const K = g.input('K', ['M', 'C', 1]);
  const B = g.input('B', ['V']);
  const zu = g.node('Unsqueeze', [Z, g.int64s([0])]);
  const uu = g.node('Unsqueeze', [U, g.int64s([1])]);
  let x = g.node('Add', [g.node('Add', [g.node('Mul', [A, zu]), g.node('Mul', [K, uu])]), B]);
  if (withF) {
    const F = g.input('F', ['V']);
    const E = g.input('E', ['M', 'C', 1]);
    x = g.node('Add', [x, g.node('Mul', [E, F])]);
  }
  // One exp per logit: y = x - max, lse = max + log sum e^y, entropy = log sum e^y - sum(e^y y) / sum e^y.
  const mx = g.node('ReduceMax', [x], { axes: [-1], keepdims: 1 });
  const y = g.node('Sub', [x, mx]);
  const ey = g.node('Exp', [y]);
  const axis = g.int64s([-1]);
  const sum = g.node('ReduceSum', [ey, axis], { keepdims: 1 });
  const logSum = g.node('Log', [sum]);
  g.node('Add', [mx, logSum], {}, 'lse');
  const sey = g.node('ReduceSum', [g.node('Mul', [ey, y]), axis], { keepdims: 1 });
  g.node('Sub', [logSum, g.node('Div', [sey, sum])], {}, 'entropy');
  g.node('Cast', [g.node('ArgMax', [y], { axis: -1, keepdims: 1 })], { to: 1 }, 'argmax');
  g.output('lse');
  g.output('entropy');
  g.output('argmax');
  return g;
}

export async function logitStatsBlock(block: LogitBlock): Promise<BlockStats> {
  const { M, C, V } = block;
  const backend = defaultBackend();
  const withF = block.f !== undefined && block.e !== undefined;
  if (backend.runGraph) {
    const feeds: Record<string, ReturnType<typeof tensor>> = {
      Z: tensor([C, V], block.Z),
      U: tensor([M, V], block.U),
      A: tensor([M, C, 1], block.a),
      K: tensor([M, C, 1], block.k),
      B: tensor([V], block.b),
    };
    if (withF) {
      feeds.F = tensor([V], block.f!);
      feeds.E = tensor([M, C, 1], block.e!);
    }
    const out = await backend.runGraph([], `entropy-neurons/logit-stats/${withF ? 'f' : 'plain'}`, () => buildGraph(withF), feeds, ['lse', 'entropy', 'argmax']);
    return { lse: out.lse.data, entropy: out.entropy.data, argmax: Int32Array.from(out.argmax.data) };
  }
  const lse = new Float64Array(M * C), entropy = new Float64Array(M * C), argmax = new Int32Array(M * C);
  const st: LogitStats = { lse: 0, entropy: 0, argmax: 0, target: 0 };
  for (let m = 0; m < M; m++)
    for (let c = 0; c < C; c++) {
      const i = m * C + c;
      logitStats(block.Z, c * V, block.U, m * V, block.b, withF ? block.f! : null, block.a[i], block.k[i], withF ? block.e![i] : 0, V, 0, st);
      lse[i] = st.lse;
      entropy[i] = st.entropy;
      argmax[i] = st.argmax;
    }
  return { lse, entropy, argmax };
}
