/** The MLP's elementwise nonlinearities: SwiGLU (silu(gate)·up) and GPT-2's tanh GELU ("gelu_new"). */
import type { FloatArray, Kernels } from '../kernels.js';

export function swigluForward(k: Kernels, gate: FloatArray, up: FloatArray): FloatArray {
  const out = k.alloc(gate.length);
  for (let i = 0; i < gate.length; i++) {
    const g = gate[i];
    out[i] = (g / (1 + Math.exp(-g))) * up[i];
  }
  return out;
}

/** d silu(g)/dg = σ(g)(1 + g(1 − σ(g))). */
export function swigluBackward(k: Kernels, dout: FloatArray, gate: FloatArray, up: FloatArray): { dgate: FloatArray; dup: FloatArray } {
  const dgate = k.alloc(gate.length);
  const dup = k.alloc(gate.length);
  for (let i = 0; i < gate.length; i++) {
    const g = gate[i];
    const sig = 1 / (1 + Math.exp(-g));
    dup[i] = dout[i] * g * sig;
    dgate[i] = dout[i] * up[i] * sig * (1 + g * (1 - sig));
  }
  return { dgate, dup };
}

const GELU_C = Math.sqrt(2 / Math.PI);

/** 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))). */
export function geluForward(k: Kernels, x: FloatArray): FloatArray {
  const out = k.alloc(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = 0.5 * v * (1 + Math.tanh(GELU_C * (v + 0.044715 * v * v * v)));
  }
  return out;
}

export function geluBackward(k: Kernels, dout: FloatArray, x: FloatArray): FloatArray {
  const dx = k.alloc(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const u = GELU_C * (v + 0.044715 * v * v * v);
    const th = Math.tanh(u);
    const du = GELU_C * (1 + 3 * 0.044715 * v * v);
    dx[i] = dout[i] * (0.5 * (1 + th) + 0.5 * v * (1 - th * th) * du);
  }
  return dx;
}
