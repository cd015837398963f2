// A GPT-2-small-shaped random model (12 layers, d_model 768, d_mlp 3072, 50257 tokens): last-token
// resid_post of every layer for N entities (random 6-token names), one ridge probe per layer over the
// paper's 12 penalties, and the peak memory. Baseline in the same run: the forward passes alone.
//   npx nx run @marr/world-model:build && node packages/world-model/bench/real-size.mjs [N]
import { createRng, randomModel } from '@marr/core';
import { lastTokenActivations, layerProbe, PAPER_ALPHAS } from '../dist/index.js';

const n = Number(process.argv[2] ?? 500);
const model = randomModel({ architecture: 'gpt2', nLayers: 12, dModel: 768, nHeads: 12, dHead: 64, dMlp: 3072, dVocab: 50257, nCtx: 64 }, { seed: 1 });
const rng = createRng(2);
const sequences = Array.from({ length: n }, () => Array.from({ length: 6 }, () => rng.int(50257)));
const hooks = Array.from({ length: 12 }, (_, layer) => ({ layer, hookPoint: `blocks.${layer}.hook_resid_post` }));
let t0 = performance.now();
const layers = await lastTokenActivations(model, sequences, hooks, { batchSize: 64 });
const forwardMs = performance.now() - t0;
const y = { rows: n, cols: 2, data: Float64Array.from({ length: 2 * n }, () => 40 * rng.normal()) };
const train = Array.from({ length: Math.round(n * 0.8) }, (_, i) => i), test = Array.from({ length: n - train.length }, (_, i) => train.length + i);
t0 = performance.now();
for (const l of layers) layerProbe('place', ['latitude', 'longitude'], l.x, y, { train, test }, PAPER_ALPHAS);
const probeMs = performance.now() - t0;
const peak = process.resourceUsage().maxRSS / 1024;
console.log(`GPT-2-small shape, ${n} entities x 12 layers: forward passes ${(forwardMs / 1000).toFixed(1)} s, 12 ridge probes ${(probeMs / 1000).toFixed(1)} s (ratio probes/forward ${(probeMs / forwardMs).toFixed(2)}), peak RSS ${peak.toFixed(0)} MB`);
