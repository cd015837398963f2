// Activation-patching benchmark: a layer x position grid of resid_pre on stories260K (../shared), marr's
// activationPatching (patched runs batched, each batch resumed at the patched layer from the saved
// residual, only the last position unembedded) against the naive way, one full forward per cell with a
// hook, measured in the same process. Both grids are compared cell by cell.
//
//   npx nx run patching:build && node packages/patching/bench/grid.mjs [--seq 64] [--pairs 1] [--batch 16] [--reps 3] [--gpt2-small]
// --gpt2-small: a random GPT-2-small-shaped model (12 layers, d 768) instead, to check a real-size shape fits.
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { activationPatching, logitDiffMetric, loadModel, randomModel, sharedRoot } from '@marr/core';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]?.startsWith('--') ? 'true' : all[i + 1] ?? 'true']] : acc), []),
);
const T = Number(args.seq ?? 64);
const P = Number(args.pairs ?? 1);
const batchSize = Number(args.batch ?? 16);
const reps = Number(args.reps ?? 3);

const shared = sharedRoot();
let model, stream, source;
if (args['gpt2-small'] === undefined) {
  const ckpt = shared && `${shared}/models/stories260K/stories260K.bin`;
  if (!ckpt || !existsSync(ckpt)) {
    console.error('stories260K not found under ../shared (set MARR_SHARED); run with --gpt2-small for a random model instead');
    process.exit(1);
  }
  model = await loadModel(ckpt, { tokenizer: `${shared}/models/stories260K/tok512.bin` });
  stream = model.tokenizer.encode(readFileSync(`${shared}/data/tinystories/tinystories_valid_30k.txt`, 'utf8').slice(0, 200_000), { addBos: false });
  source = 'stories260K on TinyStories';
} else {
  model = randomModel({ architecture: 'gpt2', nLayers: 12, dModel: 768, nHeads: 12, dMlp: 3072, dVocab: 50257, nCtx: 1024 }, { seed: 0 });
  stream = Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 50257);
  source = 'random GPT-2-small-shaped model';
}
const L = model.config.nLayers, V = model.config.dVocab;

// Pairs: T tokens of text; the corrupted prompt changes one token a third of the way in. Answer and
// wrong token: the clean and the corrupted run's top predictions at the last position.
const clean = [], corrupted = [];
for (let p = 0; p < P; p++) {
  const c = stream.slice(p * T, (p + 1) * T);
  const k = [...c];
  const at = Math.floor(T / 3);
  k[at] = (k[at] + 17) % V;
  clean.push(c);
  corrupted.push(k);
}
const argmaxLast = async (tokens) => {
  const logits = (await model.run(tokens)).logits.data;
  let best = 0;
  for (let v = 1; v < V; v++) if (logits[(T - 1) * V + v] > logits[(T - 1) * V + best]) best = v;
  return best;
};
const answers = [], wrongs = [];
for (let p = 0; p < P; p++) {
  answers.push(await argmaxLast(clean[p]));
  let w = await argmaxLast(corrupted[p]);
  if (w === answers[p]) w = (w + 1) % V;
  wrongs.push(w);
}
const metric = logitDiffMetric(answers, wrongs);

const marr = () => activationPatching({ model, clean, corrupted, metric, hook: 'resid_pre', over: 'layer-position', batchSize });
// The naive grid: for every cell and pair, one full forward of the corrupted prompt with a hook.
const naive = async () => {
  const caches = [];
  for (const c of clean) caches.push((await model.runWithCache(c, { cache: Array.from({ length: L }, (_, l) => `blocks.${l}.hook_resid_pre`) })).cache);
  const values = [];
  for (let l = 0; l < L; l++) {
    const row = [];
    for (let pos = 0; pos < T; pos++) {
      let sum = 0;
      for (let p = 0; p < P; p++) {
        const name = `blocks.${l}.hook_resid_pre`;
        const source = caches[p].get(name);
        const logits = (await model.run(corrupted[p], { hooks: [{ name, fn: () => source, positions: [pos] }] })).logits;
        sum += metric.evaluate(logits.data.subarray((T - 1) * V, T * V), p);
      }
      row.push(sum / P);
    }
    values.push(row);
  }
  return values;
};
const timed = async (f) => {
  const t0 = performance.now();
  const out = await f();
  return { seconds: (performance.now() - t0) / 1000, out };
};

await marr(); // warm-up: kernels for these shapes
const rows = [];
let maxDiff = 0;
for (let i = 0; i < reps; i++) {
  const a = await timed(marr);
  const b = await timed(naive);
  for (let l = 0; l < L; l++) for (let pos = 0; pos < T; pos++) maxDiff = Math.max(maxDiff, Math.abs(a.out.values[l][pos] - b.out[l][pos]));
  rows.push({ marr: a.seconds, naive: b.seconds, ratio: b.seconds / a.seconds });
}
const median = (k) => rows.map((r) => r[k]).sort((x, y) => x - y)[Math.floor(rows.length / 2)];
const cells = L * T * P;
console.log(`${source}: ${L} layers, layer x position grid of resid_pre over ${T} positions, ${P} pair(s) = ${cells} patched runs; backend ${model.backendName}; batch ${batchSize}; medians of ${reps} interleaved runs`);
console.log(`marr activationPatching:      ${(median('marr') * 1000).toFixed(0)} ms (${((median('marr') / cells) * 1000).toFixed(2)} ms per cell)`);
console.log(`naive full re-run per cell:   ${(median('naive') * 1000).toFixed(0)} ms (${((median('naive') / cells) * 1000).toFixed(2)} ms per cell)`);
console.log(`ratio naive / marr:           ${median('ratio').toFixed(2)}x   (largest difference between the two grids: ${maxDiff.toExponential(2)})`);
console.log(`heap used: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
