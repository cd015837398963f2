// Benchmarks of @marr/context-neurons (run after `npx nx run @marr/context-neurons:build`):
//  1. the four path runs (clean, total, indirectRemoved, directOnly) against the baseline of one plain
//     forward pass over the same windows, measured in the same run: the ideal ratio is about 4;
//  2. the per-neuron probes against the activation collection they need (the fits' overhead);
//  3. a GPT-2-small-shaped random model (12 layers, d 768, vocabulary 50257): the four runs on one batch
//     of 128-token windows, time and peak memory.
// Usage: node bench/context-effect.mjs [windows=32]
import '@marr/zoo';
import { collectActivations, loadModel, randomModel, tokenWindows } from '@marr/core';
import { documentStream, HELD_OUT_SEED } from '@marr/zoo';
import { contextEffect, probeNeurons, probePositions } from '@marr/context-neurons';

const nWindows = Number(process.argv[2] ?? 32);
const time = async (f) => {
  const t = performance.now();
  await f();
  return (performance.now() - t) / 1000;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const model = await loadModel('default');
const de = [], en = [];
for (const d of documentStream(HELD_OUT_SEED)) {
  if (d.kind === 'german' && de.length < 600) de.push(d.text);
  if (d.kind === 'story' && en.length < 600) en.push(d.text);
  if (de.length >= 600 && en.length >= 600) break;
}
const G = tokenWindows(de, model.tokenizer, { contextLength: 64, maxTokens: nWindows * 64 });
const E = tokenWindows(en, model.tokenizer, { contextLength: 64, maxTokens: nWindows * 64 });
const target = { layer: 0, neuron: 3, value: 0 };

const plain = [], effect = [];
for (let round = 0; round < 3; round++) {
  plain.push(await time(async () => { for (let i = 0; i < G.length; i += 16) await model.run(G.slice(i, i + 16)); }));
  effect.push(await time(() => contextEffect(model, G, target, { batchSize: 16 })));
}
console.log(`default model, ${G.length} German windows of 64 tokens, batches of 16 (medians of 3 alternating rounds):`);
console.log(`  plain forward ${median(plain).toFixed(3)} s; four path runs ${median(effect).toFixed(3)} s; ratio ${(median(effect) / median(plain)).toFixed(2)} (ideal ~4)`);

const opts = { positionStart: 10, positionEnd: 400, maxRows: 10_000 };
const collect = await time(async () => {
  const hooks = ['blocks.0.mlp.hook_post', 'blocks.1.mlp.hook_post'];
  await collectActivations(model, G, hooks, { positions: probePositions(G, opts), batchSize: 16 });
  await collectActivations(model, E, hooks, { positions: probePositions(E, opts), batchSize: 16 });
});
const probes = await time(() => probeNeurons(model, G, E, { ...opts, testFraction: 0.2, C: 1, seed: 0, batchSize: 16 }));
const rows = probePositions(G, opts).length + probePositions(E, opts).length;
console.log(`  probes on ${2 * 256} neurons x ${rows} rows: ${probes.toFixed(3)} s, of which collecting activations ${collect.toFixed(3)} s (fits: ${((probes - collect) / 512 * 1000).toFixed(2)} ms per neuron)`);

const big = randomModel({ architecture: 'gpt2', nLayers: 12, dModel: 768, nHeads: 12, dMlp: 3072, dVocab: 50257, nCtx: 1024, bosTokenId: 0 }, { seed: 0 });
const seqs = Array.from({ length: 4 }, (_, b) => Array.from({ length: 128 }, (_, i) => (i * 7919 + b * 104729) % 50257));
const before = process.memoryUsage().rss;
const plainBig = await time(() => big.run(seqs));
const effectBig = await time(() => contextEffect(big, seqs, { layer: 3, neuron: 669, value: 0 }, { batchSize: 4 }));
console.log(`GPT-2-small shape, 4 x 128 tokens, neuron in layer 3 (16 later components patched): plain ${plainBig.toFixed(2)} s, four runs ${effectBig.toFixed(2)} s (ratio ${(effectBig / plainBig).toFixed(2)}); rss ${(before / 2 ** 20).toFixed(0)} MB before, ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB after`);
