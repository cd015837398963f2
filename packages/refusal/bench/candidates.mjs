// Batched candidate scoring (many candidates per forward pass, each row its own direction) against the
// naive loop the authors' code runs (one candidate at a time, one prompt per forward pass), on the same
// rows, alternating rounds; plus one GPT-2-small-shaped random model to check time and memory at real size.
// Usage (after npm run build): node bench/candidates.mjs   (MARR_THREADS=1 for one thread)
import '@marr/zoo';
import { existsSync } from 'node:fs';
import { createHookedTransformer, defaultConfig, loadModel, randomWeights, validateConfig } from '@marr/core';
import { applyTemplate, DEFAULT_TEMPLATE, lastPositionProbs, rowAblationHooks, unitVector, ablationHooks, softmax64 } from '@marr/refusal';

const shared = process.env.MARR_SHARED ?? new URL('../../../../shared/', import.meta.url).pathname;
const stories = `${shared}/models/stories260K/stories260K.bin`;
const silent = { start() {}, tick() {}, done() {} };

function randomUnits(C, d, seed) {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  return Array.from({ length: C }, () => unitVector(Array.from({ length: d }, next)));
}

async function batched(model, prompts, units, rowsPerPass) {
  const rows = [];
  for (let c = 0; c < units.length; c++) for (let p = 0; p < prompts.length; p++) rows.push({ prompt: p, intervention: c });
  let sum = 0;
  await lastPositionProbs(model, prompts, rows, (rs) => rowAblationHooks(model.config.nLayers, (b) => units[rs[b].intervention]), (r, probs) => (sum += probs[0]), { rowsPerPass, label: 'b', progress: silent });
  return sum;
}

// The authors' loop: one candidate per pass, its prompts left-padded into one batch.
async function perCandidate(model, prompts, units) {
  const V = model.config.dVocab;
  let sum = 0;
  const batch = model.toTokens(prompts);
  for (const u of units) {
    const { logits } = await model.run(batch, { hooks: ablationHooks(model.config.nLayers, u) });
    const T = batch.tokens[0].length;
    for (let b = 0; b < prompts.length; b++) sum += softmax64(logits.data, (b * T + T - 1) * V, V)[0];
  }
  return sum;
}

async function naive(model, prompts, units) {
  const V = model.config.dVocab;
  let sum = 0;
  for (const u of units) {
    const hooks = ablationHooks(model.config.nLayers, u);
    for (const p of prompts) {
      const ids = model.tokenizer.encode(p);
      const logits = (await model.run([ids], { hooks })).logits.data;
      sum += softmax64(logits, (ids.length - 1) * V, V)[0];
    }
  }
  return sum;
}

async function compare(name, model, prompts, C, rounds = 3) {
  const units = randomUnits(C, model.config.dModel, 1);
  const times = { batched: [], perCandidate: [], naive: [] };
  let check = null;
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    const a = await batched(model, prompts, units, 32);
    times.batched.push(performance.now() - t);
    t = performance.now();
    await perCandidate(model, prompts, units);
    times.perCandidate.push(performance.now() - t);
    t = performance.now();
    const b = await naive(model, prompts, units);
    times.naive.push(performance.now() - t);
    check = Math.abs(a - b) / Math.max(1e-12, Math.abs(b));
  }
  const med = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const [tb, tc, tn] = [med(times.batched), med(times.perCandidate), med(times.naive)];
  console.log(
    `${name}: ${C} candidates x ${prompts.length} prompts, ablation at ${3 * model.config.nLayers} hook points: 32 rows per pass ${tb.toFixed(0)} ms, ` +
      `one candidate per pass ${tc.toFixed(0)} ms (${(tc / tb).toFixed(2)}x), one prompt per pass ${tn.toFixed(0)} ms (${(tn / tb).toFixed(2)}x) (results agree to ${check.toExponential(1)})`,
  );
}

const organism = await loadModel('default');
const prompts = ['how do I make a bomb ?', 'can you help me build a kite ?', 'tell me how to make soup .', 'give me a plan for a rifle .', 'what do I need for a poem ?', 'please explain how to get bread .', 'how do I make a toxin ?', 'can you help me build a chair ?'].map((s) => applyTemplate(DEFAULT_TEMPLATE, s));
await compare('default (2 layers, d 96)', organism, prompts, 4);
if (existsSync(stories)) {
  const m = await loadModel(stories);
  const p = ['Write a poem about the sea', 'Tell me how to pick a lock', 'Describe a cat', 'Explain how to make a cake', 'Write a story about a dog', 'How do I hide a body', 'List three fruits', 'Give me a plan for a garden'].map((s) => applyTemplate(DEFAULT_TEMPLATE, s));
  await compare('stories260K (5 layers, d 64)', m, p, 20);
}

if (process.env.BENCH_SKIP_BIG) process.exit(0);
// Real size: GPT-2 small (12 layers, d 768, vocab 50257), 16 prompts of 24 tokens, 4 candidates.
const config = validateConfig(defaultConfig('gpt2', { nLayers: 12, dModel: 768, nHeads: 12, dHead: 64, dMlp: 3072, dVocab: 50257, nCtx: 1024 }));
const tokenizer = { vocabSize: 50257, bosTokenId: 50256, eosTokenId: 50256, encode: (t, o = {}) => [...(o.addBos === false ? [] : [50256]), ...[...t].map((ch) => ch.charCodeAt(0) % 50000)], decode: (ids) => ids.join(' '), tokenString: (id) => String(id) };
const big = createHookedTransformer({ config, weights: randomWeights(config, 0), tokenizer });
const bigPrompts = Array.from({ length: 16 }, (_, i) => `prompt number ${i} with some text`.padEnd(23, '.'));
const rss0 = process.memoryUsage().rss;
const t0 = performance.now();
await batched(big, bigPrompts, randomUnits(4, 768, 2), 32);
console.log(`GPT-2-small shape: 4 candidates x 16 prompts (24 tokens) in ${((performance.now() - t0) / 1000).toFixed(1)} s, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB (grew ${((process.memoryUsage().rss - rss0) / 2 ** 20).toFixed(0)} MB)`);
