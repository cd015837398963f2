// The mean-ablation sweep against the naive method in the same run: one hooked forward pass per neuron
// and effect (hook_post set to the mean; for the direct effect ln_final.hook_scale frozen too), on the
// shipped default model and zoo held-out text. Then a GPT-2-small-shaped random model (d 768, d_mlp
// 3072, vocab 50257): the weight geometry (Gram route) and an ablation of a few neurons, with peak memory.
// Run after building: node packages/entropy-neurons/bench/ablation.mjs
import '@marr/zoo';
import { loadModel, randomModel, textWindows, loadDataset } from '@marr/core';
import { generateCorpus, HELD_OUT_SEED } from '@marr/zoo';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boundaryTokens, cleanRun, effectiveReadout, meanActivations, meanAblationSweep, neuronGeometry, scoredPositions } from '@marr/entropy-neurons';

const seconds = (t0) => (performance.now() - t0) / 1000;
const rssMB = () => process.memoryUsage().rss / 2 ** 20;
let peak = rssMB();
const timer = setInterval(() => (peak = Math.max(peak, rssMB())), 20);

const model = await loadModel('default');
const text = join(tmpdir(), `entropy-bench-${process.pid}.txt`);
writeFileSync(text, generateCorpus(HELD_OUT_SEED, 300).map((d) => d.text).join('\n\n') + '\n');
const windows = textWindows({ data: await loadDataset(text, 'text') }, model, { maxTokens: Number(process.env.TOKENS ?? 2048) });
const L = model.config.nLayers - 1, n = model.config.dMlp;
const run = await cleanRun(model, windows, L, { batchSize: 16 });
const mean = meanActivations(run, n);
const scored = scoredPositions(windows, boundaryTokens(model));
const readout = effectiveReadout(model, L);

let t0 = performance.now();
await meanAblationSweep(readout, run, mean, scored, { direct: { kind: 'frozen-scale' } });
const sweepPerNeuron = seconds(t0) / n;

// Naive: for a sample of neurons, two hooked forward passes each over all windows.
const sample = Number(process.env.NAIVE_NEURONS ?? 8);
const clean = await model.runWithCache(windows, { cache: ['ln_final.hook_scale'] });
const scale = clean.cache.get('ln_final.hook_scale');
t0 = performance.now();
for (let j = 0; j < sample; j++) {
  const set = { name: `blocks.${L}.mlp.hook_post`, edit: (t) => { for (let p = 0; p < t.data.length / n; p++) t.data[p * n + j] = mean[j]; } };
  await model.run(windows, { hooks: [set] });
  await model.run(windows, { hooks: [set, { name: 'ln_final.hook_scale', edit: (t) => { t.data.set(scale.data); } }] });
}
const naivePerNeuron = seconds(t0) / sample;
console.log(`default model, ${windows.length} windows x ${windows[0].length} tokens (${scored.length} scored), ${n} neurons:`);
console.log(`  sweep ${(1000 * sweepPerNeuron).toFixed(1)} ms per neuron (total + direct); naive hooked re-run ${(1000 * naivePerNeuron).toFixed(1)} ms per neuron; ratio naive / sweep = ${(naivePerNeuron / sweepPerNeuron).toFixed(1)}x`);
await model.dispose();

// GPT-2-small shape.
const big = randomModel({ architecture: 'gpt2', nLayers: 2, dModel: 768, nHeads: 12, dHead: 64, dMlp: 3072, dVocab: 50257, nCtx: 1024 }, { seed: 1 });
const before = rssMB();
t0 = performance.now();
const ro = effectiveReadout(big, 1);
const geo = await neuronGeometry(ro.wOut, ro.W, 12);
const geoSeconds = seconds(t0);
const bigWindows = [Array.from({ length: 128 }, (_, i) => (i * 7919) % 50257)];
const bigRun = await cleanRun(big, bigWindows, 1, { batchSize: 1 });
const bigMean = meanActivations(bigRun, 3072);
const bigScored = scoredPositions(bigWindows, new Set());
t0 = performance.now();
const neurons = Array.from({ length: 8 }, (_, i) => i * 384);
await meanAblationSweep(ro, bigRun, bigMean, bigScored, { direct: { kind: 'frozen-scale' }, neurons });
const bigSweep = seconds(t0);
clearInterval(timer);
console.log(`GPT-2-small shape (d 768, d_mlp 3072, V 50257): geometry (processed weights, LogitVar, Gram SVD, k = 12) ${geoSeconds.toFixed(1)} s, null-space fraction of neuron 0 ${geo.nullSpaceFraction[0].toFixed(3)}`);
console.log(`  ablation of 8 neurons x ${bigScored.length} positions: ${bigSweep.toFixed(1)} s (${((1000 * bigSweep) / 8 / bigScored.length).toFixed(2)} ms per neuron-position); peak RSS ${peak.toFixed(0)} MB (${(peak - before).toFixed(0)} MB above the model loaded)`);
