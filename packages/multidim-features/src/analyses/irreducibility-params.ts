/** The M_ε / S parameters shared by the irreducibility and multidim-features analyses. */
import { z } from '@marr/core';
import { IRREDUCIBILITY_SETTINGS, type IrreducibilityOptions, type IrreducibilitySetting } from '../irreducibility/irreducibility.js';

export const irreducibilityParams = {
  setting: z
    .enum(IRREDUCIBILITY_SETTINGS as unknown as [IrreducibilitySetting, ...IrreducibilitySetting[]])
    .default('cluster')
    .describe("Which of the authors' two settings: cluster (their real-cluster code: T = 1, 10 x 10 bins over the data range, 100 angles) or demo (their toy demos: T annealed 1 -> 0, cloud normalised, 40 x 40 bins over [-3, 3], 1000 angles)."),
  epsilon: z.number().positive().max(1).default(0.1).describe('ε of the mixture index: the half-width, in RMS units of the projection, of the band counted.'),
  iterations: z.number().int().min(1).max(1_000_000).default(10_000).describe('Gradient-ascent steps of the mixture index (learning rate 0.1, as the authors).'),
  restarts: z.number().int().min(1).max(100).default(1).describe('Random starts of the mixture-index ascent; the best hard fraction wins (the authors use 1).'),
};

export function irreducibilityOptions(p: { setting: IrreducibilitySetting; epsilon: number; iterations: number; restarts: number }, seed: number): IrreducibilityOptions {
  return { setting: p.setting, epsilon: p.epsilon, iterations: p.iterations, restarts: p.restarts, seed };
}
