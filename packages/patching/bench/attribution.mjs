// Attribution-patching benchmark: core's attributionPatching (one clean forward, one corrupted forward with
// one backward pass) against activationPatching (one patched run per cell and pair, batched and resumed at
// the patched layer) on the same grids, on the shipped default model's refusal pairs, measured in the same
// process. Prints the wall-time ratio, the ratio of passes and how well the two grids agree (Pearson r and
// Spearman ρ over every cell).
//
//   npx nx run patching:build && node packages/patching/bench/attribution.mjs [--pairs 40] [--reps 3] [--batch 16] [--gpt2-small]
// --gpt2-small: also time attribution patching of z per layer and head on a random GPT-2-small-shaped model
// (12 layers, d 768, 1 pair of 32 tokens) against activation patching of the same grid, to check a real-size shape fits.
import '@marr/zoo';
import { performance } from 'node:perf_hooks';
import { activationPatching, attributionPatching, logitDiffMetric, loadModel, randomModel } from '@marr/core';
import { gridAgreement, readPromptPairs, tokenizePairs } from '@marr/patching';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]?.startsWith('--') ? 'true' : all[i + 1] ?? 'true']] : acc), []),
);
const reps = Number(args.reps ?? 3);
const batchSize = Number(args.batch ?? 16);
const pairsPath = new URL('../examples/refusal-pairs.jsonl', import.meta.url).pathname;

const timed = async (f) => {
  const t0 = performance.now();
  const out = await f();
  return { seconds: (performance.now() - t0) / 1000, out };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x, d = 3) => (x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(d));

async function compare(label, model, grid, repeats) {
  await attributionPatching(grid); // warm-up: kernels for these shapes
  await activationPatching(grid);
  const a = [], t = [];
  let estimate, truth;
  for (let i = 0; i < repeats; i++) {
    const x = await timed(() => attributionPatching(grid));
    const y = await timed(() => activationPatching(grid));
    a.push(x.seconds);
    t.push(y.seconds);
    estimate = x.out;
    truth = y.out;
  }
  const cells = estimate.rows.length * estimate.columns.length;
  const agreement = gridAgreement(estimate.normalised, truth.normalised);
  const passesAttribution = estimate.passes.forward + estimate.passes.backward;
  const passesActivation = cells + 2;
  console.log(
    `${label.padEnd(34)} ${String(cells).padStart(5)} cells | attribution ${(median(a) * 1000).toFixed(0).padStart(6)} ms | activation patching ${(median(t) * 1000).toFixed(0).padStart(7)} ms | ` +
      `time ratio ${(median(t) / median(a)).toFixed(1).padStart(6)}x | passes ${passesActivation} / ${passesAttribution} = ${(passesActivation / passesAttribution).toFixed(1)}x | ` +
      `Pearson ${fmt(agreement.pearson)} Spearman ${fmt(agreement.spearman)} mean |Δ| ${fmt(agreement.meanAbsoluteError)}`,
  );
}

const model = await loadModel('default');
const all = tokenizePairs(model, await readPromptPairs(pairsPath), pairsPath);
const P = Math.min(Number(args.pairs ?? all.clean.length), all.clean.length);
const clean = all.clean.slice(0, P), corrupted = all.corrupted.slice(0, P);
const metric = logitDiffMetric(all.answers.slice(0, P), all.wrongs.slice(0, P));
const cfg = model.config;
console.log(
  `default model (${cfg.nLayers} layers, d ${cfg.dModel}, ${cfg.nHeads} heads, d_mlp ${cfg.dMlp}), ${P} refusal pairs of ${clean[0].length} tokens, logit-diff, denoise; ` +
    `backend ${model.backendName ?? 'default'}; batch ${batchSize}; medians of ${reps} interleaved runs`,
);
const grids = [
  ['z', 'layer-head'], ['result', 'layer-head'], ['mlp_post', 'layer-neuron'], ['resid_pre', 'layer-position'], ['attn_out', 'layer-position'],
  ['mlp_out', 'layer-position'], ['resid_mid', 'layer-position'], ['pattern', 'layer-head'],
];
for (const [hook, over] of grids) {
  await compare(`${hook} over ${over}`, model, { model, clean, corrupted, metric, hook, over, batchSize }, reps);
}

if (args['gpt2-small'] !== undefined) {
  const big = randomModel({ architecture: 'gpt2', nLayers: 12, dModel: 768, nHeads: 12, dMlp: 3072, dVocab: 50257, nCtx: 1024 }, { seed: 0 });
  const T = 32;
  const c = Array.from({ length: T }, (_, i) => (i * 7919) % 50257);
  const k = [...c];
  k[10] = (k[10] + 17) % 50257;
  const m = logitDiffMetric([11], [12]);
  console.log('random GPT-2-small-shaped model (12 layers, d 768, 12 heads, vocab 50257), 1 pair of 32 tokens:');
  await compare('z over layer-head', big, { model: big, clean: [c], corrupted: [k], metric: m, hook: 'z', over: 'layer-head', batchSize }, 1);
}
console.log(`heap used: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
