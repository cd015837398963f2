// Gradient benchmark: one runWithGrad (forward + backward, float32 on the backend's kernels) against one
// run() forward on the same input, and against the matmul roofline of the step (every matrix product
// runWithGrad issued, replayed alone on the same kernels). Measured in this run; prints ratios.
// Wall and CPU time are both printed (CPU time is steadier on a shared, loaded machine).
//
//   npm run build -w @marr/core && MARR_THREADS=1 node packages/core/bench/gradients.mjs \
//     [--arch llama] [--layers 2] [--d 96] [--batch 16] [--tokens 64] [--reps 7]
import { performance } from 'node:perf_hooks';
import { createRng, gradMetrics, randomModel, tensor } from '../dist/index.js';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
process.env.MARR_THREADS ??= '1';
const arch = args.arch ?? 'llama';
const L = Number(args.layers ?? 2), d = Number(args.d ?? 96), B = Number(args.batch ?? 16), T = Number(args.tokens ?? 64);
const reps = Number(args.reps ?? 7);
const config = { architecture: arch, nLayers: L, dModel: d, nHeads: 4, dMlp: 256, dVocab: 623, nCtx: Math.max(T, 64), ...(arch === 'llama' ? { nKvHeads: 2 } : {}) };
const model = randomModel(config, { seed: 0 });
const rng = createRng(1);
const tokens = Array.from({ length: B }, () => Array.from({ length: T }, () => rng.int(config.dVocab)));

const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
async function timeIt(f) {
  await f();
  await f();
  const wall = [], cpu = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now(), c0 = cpuMs();
    await f();
    wall.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
  }
  const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
  return { wall: med(wall), cpu: med(cpu) };
}

const metric = gradMetrics.loss();
const accumulate = new Map([...model.weights].map(([n, w]) => [n, tensor(w.shape)]));
const training = () => { for (const t of accumulate.values()) t.data.fill(0); return model.runWithGrad(tokens, { metric, wrt: [], accumulate }); };
const points = Array.from({ length: L }, (_, l) => [`blocks.${l}.hook_resid_pre`, `blocks.${l}.attn.hook_z`]).flat();
const attribution = () => model.runWithGrad(tokens, { metric, wrt: points });
const forward = () => model.run(tokens);

// record the matrix products of one training step (the backend is the model's own)
const backend = model.backend;
const realMatmul = backend.matmul.bind(backend);
const recorded = [];
backend.matmul = (a, b, o) => { recorded.push([a, b, o]); return realMatmul(a, b, o); };
await training();
backend.matmul = realMatmul;
let flops = 0;
for (const [a, b, o] of recorded) {
  const m = o?.transposeA ? a.shape.at(-1) : a.shape.at(-2), k = o?.transposeA ? a.shape.at(-2) : a.shape.at(-1);
  const n = o?.transposeB ? b.shape.at(-2) : b.shape.at(-1);
  flops += 2 * (a.data.length / (m * k)) * m * k * n;
}
const replay = async () => { for (const [a, b, o] of recorded) await realMatmul(a, b, o); };

const fwd = await timeIt(forward);
const train = await timeIt(training);
const attr = await timeIt(attribution);
const roof = await timeIt(replay);
const f = (x) => x.toFixed(1).padStart(8);
console.log(`${arch}, ${L} layers, d=${d}, batch ${B} x ${T} tokens, ${process.env.MARR_THREADS} thread(s), backend ${model.backendName}`);
console.log(`                                      wall ms   cpu ms   ratio (cpu) to run()   to roofline`);
console.log(`run() forward                       ${f(fwd.wall)} ${f(fwd.cpu)}`);
console.log(`runWithGrad, all weight gradients   ${f(train.wall)} ${f(train.cpu)}   ${(train.cpu / fwd.cpu).toFixed(2).padStart(6)}x               ${(train.cpu / roof.cpu).toFixed(2)}x`);
console.log(`runWithGrad, ${String(points.length).padEnd(2)} hook points only    ${f(attr.wall)} ${f(attr.cpu)}   ${(attr.cpu / fwd.cpu).toFixed(2).padStart(6)}x`);
console.log(`matmul roofline (${recorded.length} products, ${(flops / 1e9).toFixed(2)} GFLOP) ${f(roof.wall)} ${f(roof.cpu)}`);
await model.dispose();
