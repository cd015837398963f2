import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHookedTransformer, createRng, loadModel, type HookedTransformer, type WeightMap } from '@marr/core';
import '@marr/zoo';
import { generateCorpus } from '@marr/zoo';

export const scratch = mkdtempSync(join(tmpdir(), 'marr-universality-'));

/** Held-out zoo corpus documents as a text file (seeded, offline). */
export function corpusFile(documents = 200, seed = 4242): string {
  const path = join(scratch, `corpus-${seed}-${documents}.txt`);
  writeFileSync(path, generateCorpus(seed, documents).map((d) => d.text.replace(/\n\s*\n/g, '\n')).join('\n\n') + '\n');
  return path;
}

export interface PlantedCopy {
  model: HookedTransformer;
  /** perm[layer][j]: where neuron j of the original went. */
  perm: number[][];
  scale: number[][];
}

/**
 * A copy of a gated-MLP model whose neurons in every layer are permuted and positively rescaled:
 * up-projection column j times c_j, moved to pi(j) with its gate column, and W_out's row j divided by c_j,
 * moved to pi(j). The function is unchanged and neuron pi(j) of the copy is exactly c_j times neuron j.
 */
export function plantedCopy(model: HookedTransformer, seed = 11): PlantedCopy {
  const { nLayers: L, dModel: d, dMlp: f } = model.config;
  if (!model.config.gatedMlp) throw new Error('plantedCopy needs a gated MLP (its activation is positively homogeneous in the up branch)');
  const rng = createRng(seed);
  const weights: WeightMap = new Map([...model.weights].map(([k, t]) => [k, { ...t, data: t.data.slice() }]));
  const perm: number[][] = [];
  const scale: number[][] = [];
  for (let l = 0; l < L; l++) {
    const p = rng.shuffle(Array.from({ length: f }, (_, j) => j));
    const c = Array.from({ length: f }, () => 0.5 + 1.5 * rng.next());
    const src = (n: string) => model.weights.get(`blocks.${l}.mlp.${n}`)!.data;
    const dst = (n: string) => weights.get(`blocks.${l}.mlp.${n}`)!.data;
    for (let j = 0; j < f; j++) {
      for (let r = 0; r < d; r++) {
        dst('W_in')[r * f + p[j]] = c[j] * src('W_in')[r * f + j];
        dst('W_gate')[r * f + p[j]] = src('W_gate')[r * f + j];
        dst('W_out')[p[j] * d + r] = src('W_out')[j * d + r] / c[j];
      }
    }
    perm.push(p);
    scale.push(c);
  }
  return {
    model: createHookedTransformer({ config: model.config, weights, tokenizer: model.tokenizer, source: { spec: `planted-copy-of-${model.source.spec}`, format: 'memory', files: [] } }),
    perm, scale,
  };
}

export const organism = (seed: number) => loadModel(`organism-seed${seed}`);
