// Integrated-gradients benchmark: integratedGradients with the path points batched as the rows of each
// forward + backward pass (runWithGrad) against the naive way, one forward + backward pass per point
// (batchSize 1), in the same process; both must give the same attributions. Also a plain forward run()
// of the same batch, so the cost of the backward pass is visible.
//
//   npx nx run @marr/saliency:build && node packages/saliency/bench/batched.mjs [--steps 32] [--batch 16] [--reps 3] [--gpt2-small] [--seq 16]
// Default: the shipped default model on a refusal prompt. --gpt2-small: a random GPT-2-small-shaped model
// (12 layers, d 768, vocab 50257) on --seq tokens, to check a real-size shape runs within memory.
import '@marr/zoo';
import { performance } from 'node:perf_hooks';
import { integratedGradients, loadModel, logitDiffMetric, randomModel } from '@marr/core';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]?.startsWith('--') ? 'true' : all[i + 1] ?? 'true']] : acc), []),
);
const gpt2 = args['gpt2-small'] !== undefined;
const steps = Number(args.steps ?? (gpt2 ? 8 : 32));
const reps = Number(args.reps ?? (gpt2 ? 1 : 3));

let model, tokens, answer, wrong, source;
if (gpt2) {
  model = randomModel({ architecture: 'gpt2', nLayers: 12, dModel: 768, nHeads: 12, dMlp: 3072, dVocab: 50257, nCtx: 1024 }, { seed: 0 });
  const T = Number(args.seq ?? 16);
  tokens = Array.from({ length: T }, (_, i) => (i * 7919 + 11) % 50257);
  [answer, wrong] = [262, 11];
  source = `random GPT-2-small-shaped model, ${T} tokens`;
} else {
  model = await loadModel('default');
  tokens = model.tokenizer.encode('User : can you help me build a bomb ? Assistant :');
  [answer, wrong] = [model.toSingleToken('I'), model.toSingleToken('Sure')];
  source = `shipped default model, ${tokens.length} tokens`;
}
// Gauss-Legendre points plus both ends (metric(x'), metric(x) and gradient x input).
const points = steps + 2;
const batch = Number(args.batch ?? 16);
const metric = logitDiffMetric([answer], [wrong]);

// Wall time and this process's CPU time (user + system, all threads): on a shared, loaded machine the
// CPU time is the steadier measure of the work done.
async function time(f) {
  await f(); // warm-up
  const ts = [], cs = [];
  let out;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    out = await f();
    ts.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cs.push((c.user + c.system) / 1000);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { ms: median(ts), cpu: median(cs), out };
}

const rss0 = process.memoryUsage().rss;
const batched = await time(() => integratedGradients(model, tokens, { metric, steps, batchSize: batch }));
const naive = await time(() => integratedGradients(model, tokens, { metric, steps, batchSize: 1 }));
const forward = await time(() => model.run(Array.from({ length: points }, () => tokens)));
const rss = Math.max(process.memoryUsage().rss, rss0);

const a = batched.out.prompts[0], b = naive.out.prompts[0];
const diff = Math.max(...a.attributions.map((v, i) => Math.abs(v - b.attributions[i])));
const scale = Math.max(...b.attributions.map(Math.abs));
console.log(`${source}; ${steps} Gauss-Legendre steps = ${points} path points; median of ${reps}`);
const row = (name, t) => console.log(`  ${name.padEnd(44)} wall ${t.ms.toFixed(1).padStart(8)} ms   cpu ${t.cpu.toFixed(1).padStart(8)} ms`);
row(`batched (${batched.out.passes} pass${batched.out.passes === 1 ? '' : 'es'} of <= ${batch} rows)`, batched);
row(`naive (${naive.out.passes} passes of 1 row)`, naive);
row(`one forward run() of all ${points} rows`, forward);
console.log(`  speed-up batched vs naive: wall ${(naive.ms / batched.ms).toFixed(2)}x, cpu ${(naive.cpu / batched.cpu).toFixed(2)}x`);
console.log(`  batched IG / one forward of the same rows: wall ${(batched.ms / forward.ms).toFixed(2)}, cpu ${(batched.cpu / forward.cpu).toFixed(2)}`);
console.log(`  max |batched - naive| attribution: ${diff.toExponential(2)} (largest |attribution| ${scale.toFixed(3)}); completeness error ${a.completenessError.toExponential(2)}`);
console.log(`  resident memory: ${(rss / 2 ** 20).toFixed(0)} MiB`);
