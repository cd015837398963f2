/**
 * The zoo trainer's use of core's AdamW (packages/core/src/optim/adamw.ts): weight decay by weight name
 * (where the parameter spec asks for it: the matrices), and the checkpoint steps.
 */
import { createAdamW, type AdamWState } from '@marr/core';
import type { Parameters } from './parameters.js';

/** AdamW moments for a model's parameters, decaying those whose spec has `decay`. */
export function createParameterAdamW(p: Parameters): AdamWState {
  const decayMask = new Uint8Array(p.data.length);
  for (const s of p.specs) {
    if (!s.decay) continue;
    const o = p.offsets.get(s.name) as number;
    decayMask.fill(1, o, o + p.view(s.name).length);
  }
  return createAdamW(p.data.length, decayMask);
}

/** Checkpoint steps 0, 1, 2, 4, 8, ... below `total`, and `total` itself. */
export function logSpacedSteps(total: number): number[] {
  const steps = [0];
  for (let s = 1; s < total; s *= 2) steps.push(s);
  if (total > 0) steps.push(total);
  return steps;
}
