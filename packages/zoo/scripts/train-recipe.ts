/**
 * Trains one recipe from the command line (what `marr train` does, without the CLI package):
 *   node train-recipe.mjs <recipe> <seed> <steps> <out>
 * Used to build the shipped zoo; see scripts/build-zoo.md.
 */
import { getRecipe } from '../src/recipes.js';
import { train } from '../src/train/trainer.js';

const [name = 'organism', seedArg = '0', stepsArg, out = `trained/${name}`] = process.argv.slice(2);
const recipe = getRecipe(name);
const result = await train(recipe, {
  seed: Number(seedArg),
  steps: stepsArg ? Number(stepsArg) : undefined,
  out,
  progressEvery: 50,
  onProgress: (p) =>
    console.log(`step ${p.step}/${p.steps} loss ${p.loss.toFixed(3)} lr ${p.lr.toExponential(2)} ${Math.round(p.tokensPerSecond)} tok/s eta ${Math.round(p.etaSeconds)}s`),
});
console.log(`done: ${result.out} held-out loss ${result.record.heldOutLoss.toFixed(4)} in ${result.record.seconds.toFixed(0)} s`);
process.exit(0);
