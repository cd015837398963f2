/**
 * The MLP's elementwise nonlinearities and their derivatives: gelu_new (GPT-2's tanh GELU), exact gelu
 * (x·Φ(x), GPT-NeoX), silu and relu; plain (post = f(pre)) and gated (post = f(gate)·linear, SwiGLU).
 * The forward values are core's own (`tensor/ops.ts`), so they equal `run()`'s.
 */
import type { Activation } from '../../model/config.js';
import { sigmoidInto } from '../../tensor/expf.js';
import { activation, erf } from '../../tensor/ops.js';
import type { FloatArray, Kernels } from '../kernels.js';

const GELU_C = 0.7978845608028654; // sqrt(2/pi)
const INV_SQRT_2PI = 0.3989422804014327;

/** f'(x) for each activation. */
export function activationDerivative(name: Activation): (x: number) => number {
  switch (name) {
    case 'gelu_new':
      return (v) => {
        const th = Math.tanh(GELU_C * (v + 0.044715 * v * v * v));
        return 0.5 * (1 + th) + 0.5 * v * (1 - th * th) * GELU_C * (1 + 3 * 0.044715 * v * v);
      };
    case 'gelu':
      // d/dx x·Φ(x) = Φ(x) + x·φ(x)
      return (v) => 0.5 * (1 + erf(v / Math.SQRT2)) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v);
    case 'silu':
      return (v) => {
        const s = 1 / (1 + Math.exp(-v));
        return s * (1 + v * (1 - s));
      };
    case 'relu':
      return (v) => (v > 0 ? 1 : 0);
  }
}

/** post = f(pre). */
export function activationForward(k: Kernels, name: Activation, pre: FloatArray): FloatArray {
  const f = activation(name);
  const out = k.alloc(pre.length);
  for (let i = 0; i < pre.length; i++) out[i] = f(pre[i]);
  return out;
}

/** dpre = dpost ⊙ f'(pre), written over `dpost` (the caller's own gradient buffer), which is returned. */
export function activationBackward(name: Activation, dpost: FloatArray, pre: FloatArray): FloatArray {
  const df = activationDerivative(name);
  for (let i = 0; i < pre.length; i++) dpost[i] *= df(pre[i]);
  return dpost;
}

/**
 * post = f(gate) ⊙ linear (SwiGLU when f is silu). For silu, `sigmoid` (when given, gate-sized) receives
 * σ(gate), so the backward pass needs no exponentials.
 */
export function gatedForward(k: Kernels, name: Activation, gate: FloatArray, linear: FloatArray, sigmoid?: FloatArray): FloatArray {
  const out = k.alloc(gate.length);
  if (name === 'silu') {
    // silu(v) = v·σ(v)
    const sg = sigmoid ?? k.alloc(gate.length);
    sigmoidInto(sg, gate);
    for (let i = 0; i < gate.length; i++) out[i] = gate[i] * sg[i] * linear[i];
    return out;
  }
  const f = activation(name);
  for (let i = 0; i < gate.length; i++) out[i] = f(gate[i]) * linear[i];
  return out;
}

/**
 * dgate = dpost ⊙ linear ⊙ f'(gate);  dlinear = dpost ⊙ f(gate). Allocates nothing the forward left
 * behind: dgate is written over `dpost` (the caller's own gradient buffer) and, for silu with the forward's
 * `sigmoid` buffer, dlinear over that buffer (the forward's σ(gate), read first).
 */
export function gatedBackward(k: Kernels, name: Activation, dpost: FloatArray, gate: FloatArray, linear: FloatArray, sigmoid?: FloatArray): { dgate: FloatArray; dlinear: FloatArray } {
  if (name === 'silu') return swigluBackward(k, dpost, gate, linear, sigmoid);
  const f = activation(name);
  const df = activationDerivative(name);
  const dlinear = k.alloc(gate.length);
  for (let i = 0; i < gate.length; i++) {
    const d = dpost[i];
    dlinear[i] = d * f(gate[i]);
    dpost[i] = d * linear[i] * df(gate[i]);
  }
  return { dgate: dpost, dlinear };
}

/** SwiGLU's backward (σ(g) from the forward when given): silu(g) = g·σ(g), silu'(g) = σ(g)(1 + g(1 − σ(g))). */
function swigluBackward(k: Kernels, dpost: FloatArray, gate: FloatArray, linear: FloatArray, sigmoid?: FloatArray): { dgate: FloatArray; dlinear: FloatArray } {
  const sg = sigmoid ?? k.alloc(gate.length);
  if (!sigmoid) sigmoidInto(sg, gate);
  for (let i = 0; i < gate.length; i++) {
    const g = gate[i];
    const sig = sg[i];
    const d = dpost[i];
    sg[i] = d * g * sig;
    dpost[i] = d * linear[i] * sig * (1 + g * (1 - sig));
  }
  return { dgate: dpost, dlinear: sg };
}
