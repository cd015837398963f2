// Training throughput of the @marr/zoo trainer (core's hooked transformer: runWithGrad + AdamW) against
// PyTorch on the CPU (same architecture, batch, sequence length and optimizer, measured in this run) and
// against the matmul roofline (the same step's matrix products alone, on the same backend). Run after
// `npm run build`:
//   MARR_THREADS=1 node bench/train-throughput.mjs [steps]
// PyTorch is optional: the baseline runs when `python3 -c "import torch"` works (Debian: python3-torch).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOrtBackend, createRng, loadOnnxRuntime, createReferenceBackend } from '@marr/core';
import { corpusVocabulary, createTrainee, getRecipe, initParameters, parameterCount, recipeConfig, trainStep } from '../dist/index.js';

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

// the model's backend, wrapped to record every matrix product of one step, to replay them alone for the roofline
const base = loadOnnxRuntime() ? createOrtBackend({ threads }) : createReferenceBackend();
const recorded = [];
let recording = false;
const backend = new Proxy(base, {
  get(target, prop) {
    const v = Reflect.get(target, prop);
    if (prop === 'matmul') return (a, b, o) => { if (recording) recorded.push({ kind: 'matmul', args: [a, b, o] }); return v.call(target, a, b, o); };
    if (prop === 'linear') return (x, w, bias) => { if (recording) recorded.push({ kind: 'linear', args: [x, w, bias] }); return v.call(target, x, w, bias); };
    return typeof v === 'function' ? v.bind(target) : v;
  },
});
const flopsOf = (r) => {
  if (r.kind === 'linear') {
    const [x, w] = r.args;
    return 2 * (x.data.length / w.shape[0]) * w.shape[0] * w.shape[1];
  }
  const [a, b, o = {}] = r.args;
  const batchN = a.shape.slice(0, -2).reduce((p, q) => p * q, 1);
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const m = o.transposeA ? ac : ar, k = o.transposeA ? ar : ac, n = o.transposeB ? br : bc;
  return 2 * batchN * m * k * n;
};

const trainee = createTrainee(initParameters(cfg, 0), { backend });
const step = () => trainStep(trainee, tokens, targets, batch, seq, 1e-3, recipe);

for (let i = 0; i < 3; i++) await step();
recording = true;
await step();
recording = false;
// wall time, and the process's CPU time (steadier than wall time on a loaded machine)
const cpuMs = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
let t0 = performance.now();
const c0 = cpuMs();
for (let i = 0; i < steps; i++) await step();
const marrSeconds = (performance.now() - t0) / 1000;
const marrCpuMs = (cpuMs() - c0) / steps;
const marrTps = (steps * tokensPerStep) / marrSeconds;

// roofline: the recorded products alone, sequentially, on the same backend
let flops = 0;
for (const r of recorded) flops += flopsOf(r);
const replay = async () => {
  for (const r of recorded) await base[r.kind](...r.args);
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
console.log(`organism recipe: ${cfg.nLayers} layers, d ${cfg.dModel}, ${cfg.nHeads}/${cfg.nKvHeads} heads, d_mlp ${cfg.dMlp}, vocab ${cfg.dVocab}, ${parameterCount(cfg).toLocaleString('en-US')} parameters; batch ${batch} x seq ${seq}; ${threads} thread(s); backend ${base.name}`);
console.log(`marr trainer        ${fmt(marrTps)} tokens/s  (${(1000 * marrSeconds / steps).toFixed(1)} ms/step; ${marrCpuMs.toFixed(1)} ms CPU/step)`);
console.log(`matmul roofline     ${fmt(rooflineTps)} tokens/s  (${recorded.length} matmuls, ${(flops / 1e9).toFixed(3)} GFLOP/step at ${(flops / mmSeconds / 1e9).toFixed(1)} GFLOP/s); marr reaches ${(100 * marrTps / rooflineTps).toFixed(0)}%`);
if (torch) {
  console.log(`PyTorch ${torch.torch} CPU  ${fmt(torch.tokensPerSecond)} tokens/s  (${torch.threads} thread(s)); marr / PyTorch = ${(marrTps / torch.tokensPerSecond).toFixed(2)}`);
} else {
  console.log(`PyTorch baseline skipped: python3 could not run bench/pytorch_train.py (${(py.stderr || py.error?.message || '').trim().split('\n').pop()})`);
}
await trainee.model.dispose();
process.exit(0);
