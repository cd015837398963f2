// Layer-robustness sweep benchmark: the full deletion + swap sweep (2L-1 intervened models scored
// against the original) against one plain forward pass over the same tokens, measured in the same run.
// Uses stories260K from ../shared when present, else (or with --layers N) a random model of the same
// shape with N layers, to show how the ratio grows with depth.
//
//   npm run build -w @marr/layer-robustness && node packages/layer-robustness/bench/sweep.mjs [--tokens 8192] [--context 128] [--reps 3] [--layers 12]
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadModel, randomModel } from '@marr/core';
import { sharedRoot } from '@marr/core/testing';
import { defaultBatchWindows, layerInterventionSweep } from '../dist/index.js';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const totalTokens = Number(args.tokens ?? 8192);
const T = Number(args.context ?? 128);
const reps = Number(args.reps ?? 3);

const shared = sharedRoot();
const ckpt = shared && `${shared}/models/stories260K/stories260K.bin`;
let model, windows, source;
if (ckpt && existsSync(ckpt) && args.layers === undefined) {
  model = await loadModel(ckpt, { tokenizer: `${shared}/models/stories260K/tok512.bin` });
  const text = readFileSync(`${shared}/data/tinystories/tinystories_cased_197k.txt`, 'utf8');
  const ids = model.tokenizer.encode(text, { addBos: false });
  windows = [];
  for (let s = 0; windows.length < totalTokens / T && s + T - 1 <= ids.length; s += T - 1) windows.push([1, ...ids.slice(s, s + T - 1)]);
  source = 'stories260K on TinyStories';
} else {
  model = randomModel({ architecture: 'llama', nLayers: Number(args.layers ?? 5), dModel: 64, nHeads: 8, nKvHeads: 4, dMlp: 172, dVocab: 512, nCtx: 512 }, { seed: 0 });
  windows = Array.from({ length: totalTokens / T }, (_, w) => [1, ...Array.from({ length: T - 1 }, (_, i) => 3 + ((w * 7919 + i * 104729) % 509))]);
  source = args.layers === undefined ? 'random stories260K-shaped model (shared/ not found)' : 'random stories260K-shaped model';
}
const L = model.config.nLayers;

const batch = defaultBatchWindows(T, model.config.dVocab, model.config.nHeads, model.config.nLayers);
const forwardOnce = async () => {
  for (let s = 0; s < windows.length; s += batch) await model.run(windows.slice(s, s + batch));
};
const timed = async (f) => {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
};
// Warm-up (compiles kernels for these shapes), then interleaved repetitions so that load drift on a
// shared machine hits all three measurements alike; ratios are taken within each repetition.
await forwardOnce();
await layerInterventionSweep(model, windows, { batchWindows: batch });
const rows = [];
for (let i = 0; i < reps; i++) {
  const forward = await timed(forwardOnce);
  const sweep = await timed(() => layerInterventionSweep(model, windows, { batchWindows: batch }));
  const naive = await timed(() => layerInterventionSweep(model, windows, { batchWindows: batch, resumeFromCache: false }));
  rows.push({ forward, sweep, naive, sweepRatio: sweep / forward, naiveRatio: naive / forward });
}
const median = (k) => rows.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(rows.length / 2)];

const f = (s) => `${(s * 1000).toFixed(0)} ms`;
console.log(`${source}: ${L} layers, ${windows.length} windows x ${T} tokens = ${windows.length * T} tokens, backend ${model.backendName}, medians of ${reps} interleaved runs`);
console.log(`plain forward:                        ${f(median('forward'))}`);
console.log(`full sweep (${L} deletions + ${L - 1} swaps, scored): ${f(median('sweep'))}  -> ${median('sweepRatio').toFixed(2)} forwards (2L = ${2 * L}; work count ~ L + 1)`);
console.log(`same sweep rerunning each model:      ${f(median('naive'))}  -> ${median('naiveRatio').toFixed(2)} forwards (work count ~ 2L - 1)`);
await model.dispose();
