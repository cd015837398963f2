/**
 * M_ε and S of one 2-D point cloud under one of the authors' two settings:
 * - 'cluster' (sae_multid_feature_discovery/gpt2_compute_reducibility.py): T = 1 throughout, histogram of
 *   10 x 10 bins over the data range, 100 angles from 0 to 2π (numpy linspace, endpoint included);
 * - 'demo' (reducibility_demos/reducibility_demo.py): T annealed from 1 to 0, the cloud normalised and
 *   binned 40 x 40 over [−3, 3], 1000 angles in [0, 2π).
 * Both: ε = 0.1, 10,000 steps of learning rate 0.1 from a ~ N(0, I), b = 0; M_ε is the hard fraction.
 */
import { mixtureIndex, type MixtureIndex, type PointCloud } from './mixture-index.js';
import { linspaceAngles, separabilityIndex, uniformAngles, type SeparabilityIndex } from './separability-index.js';

export const IRREDUCIBILITY_SETTINGS = ['cluster', 'demo'] as const;
export type IrreducibilitySetting = (typeof IRREDUCIBILITY_SETTINGS)[number];

export interface IrreducibilityOptions {
  setting?: IrreducibilitySetting;
  epsilon?: number;
  iterations?: number;
  learningRate?: number;
  restarts?: number;
  seed?: number;
  /** Override the setting's bins per coordinate. */
  bins?: number;
  /** Override the setting's number of angles. */
  angles?: number;
  signal?: AbortSignal;
  /** Progress of the mixture-index ascent (steps done, steps in all). */
  onProgress?: (done: number, total: number) => void;
}

export interface Irreducibility {
  setting: IrreducibilitySetting;
  mixture: MixtureIndex;
  separability: SeparabilityIndex;
  /** (1 − M_ε) · S, the authors' ranking score. */
  score: number;
}

export function irreducibility(points: PointCloud, options: IrreducibilityOptions = {}): Irreducibility {
  const setting = options.setting ?? 'cluster';
  const demo = setting === 'demo';
  const mixture = mixtureIndex(points, {
    epsilon: options.epsilon, iterations: options.iterations, learningRate: options.learningRate,
    restarts: options.restarts, seed: options.seed, temperature: demo ? 'anneal' : 'fixed',
    signal: options.signal, onProgress: options.onProgress,
  });
  const angleCount = options.angles ?? (demo ? 1000 : 100);
  const separability = separabilityIndex(points, {
    binning: demo ? 'fixed-range' : 'data-range',
    bins: options.bins,
    angles: demo ? uniformAngles(angleCount) : linspaceAngles(angleCount),
  });
  return { setting, mixture, separability, score: (1 - mixture.index) * separability.index };
}
