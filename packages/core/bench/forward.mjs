// Forward-pass benchmark: a GPT-2-small-shaped random model (12 layers, d=768, vocab 50257) at 512
// tokens on one thread, with hooks off and with the full activation cache, against the roofline: the
// model's matmul FLOPs divided by the onnxruntime matmul rate measured in this same run.
//
//   npm run build -w @marr/core && node packages/core/bench/forward.mjs [--tokens 512] [--layers 12]
import { performance } from 'node:perf_hooks';
import { createOrtBackend, createRng, randomModel, tensor } from '../dist/index.js';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const T = Number(args.tokens ?? 512);
const L = Number(args.layers ?? 12);
const d = 768, H = 12, V = 50257, dMlp = 3072;

function randomTensor(shape, seed) {
  const rng = createRng(seed);
  const t = tensor(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal();
  return t;
}

async function timeIt(f, reps) {
  await f(); // warm-up (compiles kernels)
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await f();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

// 1. The onnxruntime matmul rate on this machine, one thread, on the model's own shapes.
const backend = createOrtBackend({ threads: 1 });
const x = randomTensor([T, d], 1);
const w = randomTensor([d, dMlp], 2);
const mmTime = await timeIt(() => backend.linear(x, w), 5);
const rate = (2 * T * d * dMlp) / mmTime;

// 2. The model.
const model = randomModel(
  { architecture: 'gpt2', nLayers: L, dModel: d, nHeads: H, dMlp, dVocab: V, nCtx: 1024 },
  { seed: 0, backend: 'onnxruntime', threads: 1 },
);
const tokens = Array.from({ length: T }, (_, i) => (i * 7919) % V);
const perLayer = 2 * T * d * 3 * d + 2 * 2 * T * T * d + 2 * T * d * d + 2 * 2 * T * d * dMlp;
const flops = L * perLayer + 2 * T * d * V;
const roofline = flops / rate;
const off = await timeIt(() => model.run([tokens]), 3);
// Peak memory of a full cache against the cache's own size (maxRSS is the process's peak so far).
const peakBefore = process.resourceUsage().maxRSS * 1024;
const cached = await model.runWithCache([tokens]);
let cacheBytes = 0;
for (const n of cached.cache.names()) cacheBytes += cached.cache.get(n).data.byteLength;
const peakGrowth = process.resourceUsage().maxRSS * 1024 - peakBefore;
const full = await timeIt(() => model.runWithCache([tokens]), 3);

const f = (s) => `${(s * 1000).toFixed(0)} ms`;
console.log(`GPT-2-small shape: ${L} layers, d=${d}, vocab=${V}, ${T} tokens, 1 thread`);
console.log(`onnxruntime matmul rate: ${(rate / 1e9).toFixed(1)} GFLOP/s; model matmul FLOPs ${(flops / 1e9).toFixed(1)} G; roofline ${f(roofline)}`);
console.log(`hooks off:  ${f(off)}  -> ${(roofline / off).toFixed(2)} of roofline (target >= 0.8)`);
console.log(`full cache: ${f(full)}  -> ${(roofline / full).toFixed(2)} of roofline (target >= 0.6)`);
const mb = (b) => `${(b / 2 ** 20).toFixed(0)} MB`;
console.log(`runWithCache: the cache holds ${mb(cacheBytes)}; the process's peak memory grew by ${mb(peakGrowth)} (${(peakGrowth / cacheBytes).toFixed(2)} x the cache)`);
await model.dispose();
await backend.dispose();
