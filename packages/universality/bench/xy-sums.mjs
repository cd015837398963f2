// The cost of universal-neurons is the xy sums: per batch the GEMMs X1^T Y_m and X1^T B_m added into float64.
// Prints StreamingSums.add's throughput as a ratio of the GEMM roofline measured in the same run (core's
// matmul on a large square product, the best this machine's ONNX Runtime does), and of the bare GEMM of
// the same shape (what the float64 accumulation and the moments cost). Then a GPT-2-small
// shape (model 1's layer 0 = 3072 neurons against 12 x 3072 neurons of one other model and its baseline)
// to check memory. Usage: node bench/xy-sums.mjs [--quick]
import { createRng, matmul, tensor } from '@marr/core';
import { StreamingSums } from '@marr/universality';

const quick = process.argv.includes('--quick');
const rng = createRng(0);
const randn = (n) => { const a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = rng.normal(); return a; };

async function best(fn, reps) {
  let t = Infinity;
  for (let r = 0; r < reps; r++) { const t0 = performance.now(); await fn(); t = Math.min(t, (performance.now() - t0) / 1000); }
  return t;
}

const S = quick ? 512 : 1024;
const a = tensor([S, S], randn(S * S)), b = tensor([S, S], randn(S * S));
await matmul(a, b);
/** The roofline now (the machine's load changes from minute to minute, so it is measured beside each case). */
async function roofline() {
  return (2 * S ** 3) / (await best(() => matmul(a, b), 3)) / 1e9;
}
console.log(`GEMM roofline (core matmul ${S}x${S}x${S}): ${(await roofline()).toFixed(1)} GFLOP/s`);

async function sumsCase(label, rows, cols, others, n, reps) {
  const shape = { rows, cols, others, vocab: 0, positions: 0 };
  const sums = new StreamingSums(shape);
  const x = randn(n * rows), y = Array.from({ length: others }, () => randn(n * cols)), bb = Array.from({ length: others }, () => randn(n * cols));
  const batch = { n, x, y, b: bb, token: new Int32Array(0), previous: new Int32Array(0), position: new Int32Array(0) };
  const flop = 2 * n * rows * 2 * others * cols;
  const zt = tensor([rows, n], randn(n * rows)), zz = tensor([n, 2 * others * cols], randn(n * 2 * others * cols));
  const bare = async () => matmul(zt, zz);
  await sums.add(batch);
  const before = await roofline();
  const tAdd = await best(() => sums.add(batch), reps);
  const tBare = await best(bare, reps);
  const roof = Math.max(before, await roofline());
  const gAdd = flop / tAdd / 1e9, gBare = flop / tBare / 1e9;
  console.log(`${label}: roofline ${roof.toFixed(1)} GFLOP/s; rows ${rows}, cols ${others} x 2 x ${cols}, batch ${n}: add ${tAdd.toFixed(3)} s = ${gAdd.toFixed(1)} GFLOP/s = ${(gAdd / roof).toFixed(2)} of the roofline; bare GEMM ${gBare.toFixed(1)} GFLOP/s (${(gAdd / gBare).toFixed(2)} of it); state ${(StreamingSums.values(shape) * 8 / 2 ** 20).toFixed(0)} MB`);
}

// The shipped organisms (2 layers x 256 neurons, 4 seeds) at the default batch (16 windows x 64 tokens).
await sumsCase('organism x4', 512, 512, 3, 1008, quick ? 2 : 5);
// A deeper, wider body (6 layers x 512 neurons, 4 seeds).
if (!quick) await sumsCase('organism x4, batch 64 windows', 512, 512, 3, 4032, 3);
// A deeper, wider body (6 layers x 512 neurons, 4 seeds), at 16 and 64 windows of 64 tokens.
if (!quick) await sumsCase('6 x 512 x4', 3072, 3072, 3, 1024, 2);
if (!quick) await sumsCase('6 x 512 x4, batch 64 windows', 3072, 3072, 3, 4096, 1);
// GPT-2-small shape, layer 0 against all 12 layers of one other model (memory check).
if (!quick) {
  await sumsCase('gpt2-small layer 0 vs 12 layers', 3072, 12 * 3072, 1, 512, 1);
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}
