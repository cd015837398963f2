/**
 * The MLP activations as ONNX nodes, written as the reference kernels in tensor/ops.ts compute them.
 */
import type { Activation } from '../model/config.js';
import type { OnnxGraph } from './onnx-model.js';

export function appendActivation(g: OnnxGraph, x: string, act: Activation): string {
  switch (act) {
    case 'relu':
      return g.node('Relu', [x]);
    case 'silu':
      return g.node('Mul', [x, g.node('Sigmoid', [x])]);
    case 'gelu': {
      const e = g.node('Erf', [g.node('Div', [x, g.scalar(Math.SQRT2)])]);
      return g.node('Mul', [g.node('Mul', [x, g.node('Add', [e, g.scalar(1)])]), g.scalar(0.5)]);
    }
    case 'gelu_new': {
      const cube = g.node('Mul', [g.node('Mul', [x, x]), x]);
      const inner = g.node('Mul', [g.node('Add', [x, g.node('Mul', [cube, g.scalar(0.044715)])]), g.scalar(0.7978845608028654)]);
      const t = g.node('Add', [g.node('Tanh', [inner]), g.scalar(1)]);
      return g.node('Mul', [g.node('Mul', [x, t]), g.scalar(0.5)]);
    }
  }
}
