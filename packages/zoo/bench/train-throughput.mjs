// Training throughput of the @marr/zoo trainer against PyTorch on the CPU (same architecture, batch,
// sequence length and optimizer, measured in this run) and against the matmul roofline (the same step's
// matrix products alone, on the same kernels). Run after `npm run build`:
//   MARR_THREADS=1 node bench/train-throughput.mjs [steps]
// PyTorch is optional: the baseline runs when `python3 -c "import torch"` works (Debian: python3-torch).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { matmul, createRng } from '@marr/core';
import { coreKernels, corpusVocabulary, createParameterAdamW, getRecipe, initParameters, parameterCount, recipeConfig, trainStep } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const steps = Number(process.argv[2] ?? 20);
const threads = Number(process.env.MARR_THREADS) || 1;
process.env.MARR_THREADS = String(threads);
const recipe = getRecipe('organism');
const cfg = recipeConfig(recipe, corpusVocabulary());
const { batch, seq } = recipe;
const tokensPerStep = batch * seq;

// fixed random tokens (throughput does not depend on the data)
const rng = createRng(0);
const tokens = Int32Array.from({ length: tokensPerStep }, () => rng.int(cfg.dVocab));
const targets = Int32Array.from({ length: tokensPerStep }, () => rng.int(cfg.dVocab));

// record every matmul of one step, to replay them alone for the roofline
const base = coreKernels(matmul);
const recorded = [];
let recording = false;
const kernels = {
  ...base,
  matmul: (a, b, s) => { if (recording) recorded.push({ kind: 'mm', a, b, s, batch: 1 }); return base.matmul(a, b, s); },
  batchedMatmul: (a, b, n, s) => { if (recording) recorded.push({ kind: 'bmm', a, b, s, batch: n }); return base.batchedMatmul(a, b, n, s); },
};
const p = initParameters(cfg, 0);
const grads = new Float32Array(p.data.length);
const opt = createParameterAdamW(p);
const step = () => trainStep(kernels, p, grads, opt, tokens, targets, batch, seq, 1e-3, recipe);

for (let i = 0; i < 3; i++) await step();
recording = true;
await step();
recording = false;
let t0 = performance.now();
for (let i = 0; i < steps; i++) await step();
const marrSeconds = (performance.now() - t0) / 1000;
const marrTps = (steps * tokensPerStep) / marrSeconds;

// roofline: the recorded matmuls alone, sequentially, on the same kernels
let flops = 0;
for (const r of recorded) flops += 2 * r.batch * r.s.m * r.s.k * r.s.n;
const replay = async () => {
  for (const r of recorded) await (r.kind === 'mm' ? base.matmul(r.a, r.b, r.s) : base.batchedMatmul(r.a, r.b, r.batch, r.s));
};
await replay();
t0 = performance.now();
for (let i = 0; i < steps; i++) await replay();
const mmSeconds = (performance.now() - t0) / 1000 / steps;
const rooflineTps = tokensPerStep / mmSeconds;

// the first python that can import torch: $MARR_PYTHON, the system python (Debian's python3-torch), python3
let torch = null;
let py = null;
for (const exe of [process.env.MARR_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean)) {
  py = spawnSync(exe, [join(here, 'pytorch_train.py'), JSON.stringify({ ...cfg, batch, seq, steps, threads })], { encoding: 'utf8' });
  if (py.status === 0) {
    torch = JSON.parse(py.stdout.trim().split('\n').pop());
    break;
  }
}

const fmt = (x) => Math.round(x).toLocaleString('en-US');
console.log(`organism recipe: ${cfg.nLayers} layers, d ${cfg.dModel}, ${cfg.nHeads}/${cfg.nKvHeads} heads, d_mlp ${cfg.dMlp}, vocab ${cfg.dVocab}, ${parameterCount(cfg).toLocaleString('en-US')} parameters; batch ${batch} x seq ${seq}; ${threads} thread(s)`);
console.log(`marr trainer        ${fmt(marrTps)} tokens/s  (${(1000 * marrSeconds / steps).toFixed(1)} ms/step)`);
console.log(`matmul roofline     ${fmt(rooflineTps)} tokens/s  (${recorded.length} matmuls, ${(flops / 1e9).toFixed(3)} GFLOP/step at ${(flops / mmSeconds / 1e9).toFixed(1)} GFLOP/s); marr reaches ${(100 * marrTps / rooflineTps).toFixed(0)}%`);
if (torch) {
  console.log(`PyTorch ${torch.torch} CPU  ${fmt(torch.tokensPerSecond)} tokens/s  (${torch.threads} thread(s)); marr / PyTorch = ${(marrTps / torch.tokensPerSecond).toFixed(2)}`);
} else {
  console.log(`PyTorch baseline skipped: python3 could not run bench/pytorch_train.py (${(py.stderr || py.error?.message || '').trim().split('\n').pop()})`);
}
process.exit(0);
