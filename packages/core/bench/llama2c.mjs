// marr against llama2.c's run.c on stories260K, one thread, in alternating runs on the same machine:
// teacher-forced logits (8 windows of 512 tokens, each window in one pass) and greedy KV-cached
// generation (hooks off, then with one observe hook and one edit hook), each as a ratio of run.c's
// token rate measured between marr's runs. run.c processes one token at a time, so its generation
// rate is also its rate for teacher-forced tokens.
//
//   npm run build -w @marr/core && node packages/core/bench/llama2c.mjs [--rounds 5]
//
// Needs ../shared (the model and run.c) and a C compiler (cc); tools/runc-baseline.mjs compiles run.c into a
// temporary folder with `cc -O3 -march=native` (never into the repository). Skips with the reason
// when either is missing.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadModel } from '../dist/index.js';
import { sharedRoot } from '../dist/testing.js';
import { buildRunC } from '../../../tools/runc-baseline.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const rounds = Number(args.rounds ?? 5);
const built = buildRunC(sharedRoot());
if (built.skipped) {
  console.log(`skipped: ${built.skipped}`);
  process.exit(0);
}
const { bin, modelDir } = built;

const GEN = 256;
function runCRate() {
  const r = spawnSync(bin, [join(modelDir, 'stories260K.bin'), '-z', join(modelDir, 'tok512.bin'), '-t', '0', '-n', String(GEN + 4), '-i', 'Once upon a time'], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  const out = `${r.stdout}${r.stderr}`; // run.c reports its rate on stderr
  const m = /achieved tok\/s: ([\d.]+)/.exec(out);
  if (!m) throw new Error(`run.c printed no rate:\n${out.slice(-300)}`);
  return Number(m[1]);
}

const model = await loadModel(join(modelDir, 'stories260K.bin'), { tokenizer: join(modelDir, 'tok512.bin'), threads: 1 });
const V = model.config.dVocab;
const windows = Array.from({ length: 8 }, (_, w) => Array.from({ length: 512 }, (_, i) => 3 + ((i * 31 + w * 17) % (V - 3))));
const prompt = model.tokenizer.encode('Once upon a time');

async function teacherForced() {
  const t0 = performance.now();
  for (const w of windows) await model.run([w]);
  return (windows.length * 512) / ((performance.now() - t0) / 1000);
}
async function generate(hooks) {
  const t0 = performance.now();
  const g = await model.generate(prompt, { maxNewTokens: GEN, stopAtEos: false, hooks });
  return g.newTokens.length / ((performance.now() - t0) / 1000);
}
let observed = 0;
const twoHooks = [
  { name: 'blocks.2.mlp.hook_post', observe: (t) => { observed += t.data[0]; } },
  { name: 'blocks.3.attn.hook_z', heads: [1], edit: (t) => { t.data.fill(0); } },
];

// Warm-up: compile every kernel once.
await teacherForced();
await generate();
await generate(twoHooks);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = { c: [], tf: [], gen: [], hooked: [] };
for (let r = 0; r < rounds; r++) {
  rows.c.push(runCRate());
  rows.tf.push(await teacherForced());
  rows.c.push(runCRate());
  rows.gen.push(await generate());
  rows.c.push(runCRate());
  rows.hooked.push(await generate(twoHooks));
}
const c = median(rows.c), tf = median(rows.tf), gen = median(rows.gen), hooked = median(rows.hooked);
const f = (x) => `${x.toFixed(0).padStart(6)} tok/s`;
console.log(`stories260K, 1 thread, medians of ${rounds} alternating rounds (backend ${model.backendName})`);
console.log(`run.c (token by token):              ${f(c)}`);
console.log(`marr teacher-forced, 8 x 512 tokens: ${f(tf)}  -> ${(tf / c).toFixed(2)} x run.c (target >= 2)`);
console.log(`marr greedy generation, hooks off:   ${f(gen)}  -> ${(gen / c).toFixed(2)} x run.c (target >= 0.5)`);
console.log(`marr generation, observe + edit hook:${f(hooked)}  -> ${(gen / hooked).toFixed(2)} x the hooks-off time (target <= 1.5)`);
await model.dispose();
rmSync(dirname(bin), { recursive: true, force: true });
