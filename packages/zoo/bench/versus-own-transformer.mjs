// Before/after for issue 24: the trainer on core's hooked transformer (this build) against the zoo's former
// own forward/backward (a build of main at 676d4ed, the last commit that had it), steps interleaved in one
// process so machine load hits both alike; prints wall and CPU time per step and their ratios.
//
// The old build, once (from the repository root):
//   mkdir -p /tmp/zoo-before && git archive 676d4ed packages/zoo tsconfig.base.json | tar -x -C /tmp/zoo-before
//   ln -s "$PWD/node_modules" /tmp/zoo-before/node_modules && (cd /tmp/zoo-before/packages/zoo && npx tsup)
// Then, after `npm run build` here:
//   MARR_THREADS=1 node bench/versus-own-transformer.mjs /tmp/zoo-before/packages/zoo/dist/index.js [rounds] [recipe: organism | deep]
import { createRng, matmul } from '@marr/core';
import { corpusVocabulary, createTrainee, deepVocabulary, getRecipe, initParameters, recipeConfig, trainStep } from '../dist/index.js';

const [oldDist, roundsArg, recipeArg = 'organism'] = process.argv.slice(2);
if (!oldDist) {
  console.error('usage: node bench/versus-own-transformer.mjs <path to the old build\'s dist/index.js> [rounds] [organism | deep]  (see the comment at the top for how to build it)');
  process.exit(2);
}
process.env.MARR_THREADS ??= '1';
const old = await import(oldDist);
const recipe = getRecipe(recipeArg);
const cfg = recipeConfig(recipe, recipeArg === 'deep' ? deepVocabulary() : corpusVocabulary());
const { batch, seq } = recipe;
const rng = createRng(0);
const tokens = Int32Array.from({ length: batch * seq }, () => rng.int(cfg.dVocab));
const targets = Int32Array.from({ length: batch * seq }, () => rng.int(cfg.dVocab));

const trainee = createTrainee(initParameters(cfg, 0));
const stepNew = () => trainStep(trainee, tokens, targets, batch, seq, 1e-3, recipe);
const k = old.coreKernels(matmul);
const p = old.initParameters(k, cfg, 0);
const grads = k.alloc(p.data.length);
const opt = old.createParameterAdamW(p);
const stepOld = () => old.trainStep(k, p, grads, opt, tokens, targets, batch, seq, 1e-3, recipe);

for (let i = 0; i < 3; i++) { await stepOld(); await stepNew(); }
const rounds = Number(roundsArg ?? 10), per = 3;
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
const time = async (step, wall, cpuTimes) => {
  const t0 = performance.now(), c0 = cpu();
  for (let i = 0; i < per; i++) await step();
  wall.push((performance.now() - t0) / per);
  cpuTimes.push((cpu() - c0) / per);
};
const wallOld = [], wallNew = [], cpuOld = [], cpuNew = [];
for (let r = 0; r < rounds; r++) {
  await time(stepOld, wallOld, cpuOld);
  await time(stepNew, wallNew, cpuNew);
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const tps = (ms) => Math.round((batch * seq * 1000) / ms).toLocaleString('en-US');
console.log(`${recipeArg} recipe, batch ${batch} x seq ${seq}, ${process.env.MARR_THREADS} thread(s); medians of ${rounds} interleaved rounds of ${per} steps`);
console.log(`own transformer (before)  ${median(wallOld).toFixed(1)} ms/step wall (${tps(median(wallOld))} tokens/s), ${median(cpuOld).toFixed(1)} ms CPU/step`);
console.log(`core runWithGrad (after)  ${median(wallNew).toFixed(1)} ms/step wall (${tps(median(wallNew))} tokens/s), ${median(cpuNew).toFixed(1)} ms CPU/step`);
console.log(`after / before throughput: ${(median(wallOld) / median(wallNew)).toFixed(2)} (wall), ${(median(cpuOld) / median(cpuNew)).toFixed(2)} (CPU)`);
await trainee.model.dispose();
process.exit(0);
