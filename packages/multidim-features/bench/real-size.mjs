// Real-size check of the multidim-features pipeline: a GPT-2-small-shaped random model (12 layers, d 768,
// vocab 50257, 124M parameters) and a random top-k SAE (4096 latents, k 32) at blocks.6.hook_resid_pre;
// 16 windows of 64 random tokens: SAE latents, decoder similarities, graph clustering (cutoff lowered
// to 0.135 so that random directions form clusters), reconstructions and M/S of the 5 largest clusters
// (1000 ascent steps). Prints each phase's time and the peak RSS.
// Run: node bench/real-size.mjs (after building)
import { createRng, randomModel } from '@marr/core';
import { createSae, makeSaeConfig } from '@marr/sae';
import { clusterIrreducibility, clusterReconstructions, cosineSimilarities, graphClusters, sparseLatents } from '../dist/index.js';

let peak = 0;
const watch = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
const time = async (label, f) => { const t0 = performance.now(); const r = await f(); console.log(`${label}: ${((performance.now() - t0) / 1000).toFixed(2)} s`); return r; };
const model = await time('random GPT-2-small-shaped model', () => randomModel({ architecture: 'gpt2', nLayers: 12, dModel: 768, nHeads: 12, dHead: 64, dMlp: 3072, dVocab: 50257, nCtx: 1024 }, { seed: 0 }));
const rng = createRng(0);
const d = 768, dSae = 4096;
const rand = (n, s) => Float32Array.from({ length: n }, () => s * rng.normal());
const sae = createSae(makeSaeConfig({ architecture: 'topk', k: 32, dIn: d, dSae, hookName: 'blocks.6.hook_resid_pre' }), {
  W_enc: { dtype: 'float32', shape: [d, dSae], data: rand(d * dSae, 1 / Math.sqrt(d)) },
  b_enc: { dtype: 'float32', shape: [dSae], data: new Float32Array(dSae) },
  W_dec: { dtype: 'float32', shape: [dSae, d], data: rand(dSae * d, 1 / Math.sqrt(d)) },
  b_dec: { dtype: 'float32', shape: [d], data: new Float32Array(d) },
});
const windows = Array.from({ length: 16 }, () => Array.from({ length: 64 }, () => rng.int(50257)));
const latents = await time('SAE latents on 16 x 64 tokens', () => sparseLatents(model, sae, windows, { batchWindows: 4, excludeBos: false, keep: null }));
const sims = await time(`similarities of ${dSae} x ${d}`, () => cosineSimilarities({ n: dSae, d, data: sae.weights.W_dec.data }));
const clusters = await time('graph clustering (cutoff 0.135)', () => graphClusters(sims, dSae, { cutoff: 0.135 }));
const clusterOf = new Int32Array(dSae).fill(-1);
clusters.forEach((c, i) => { if (c.length > 1 && c.length <= 1000) for (const f of c) clusterOf[f] = i; });
const recs = await time('reconstructions', () => clusterReconstructions(latents, clusterOf, clusters.length, sae.weights.W_dec.data, d, 20000));
const largest = recs.map((r, i) => [r.tokens.length, i]).filter(([n]) => n >= 20).sort((a, b) => b[0] - a[0]).slice(0, 5);
await time(`M and S of the ${largest.length} most active clusters`, () => largest.map(([, i]) => clusterIrreducibility(recs[i], clusters[i].length, { iterations: 1000, seed: 0 })));
clearInterval(watch);
console.log(`${clusters.filter((c) => c.length > 1).length} clusters of 2+; ${latents.tokens} tokens; peak RSS ${(peak / 2 ** 20).toFixed(0)} MB`);
await model.dispose();
