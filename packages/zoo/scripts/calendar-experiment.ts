// Experiment (not part of the zoo build): does skewing calendar counts toward 1 let the organism architecture learn calendar arithmetic?
// Trains the organism architecture on calendar-only documents, counts uniform or p(c) ∝ 1/c², and prints
// the accuracy over all 174 problems every 100 steps:  node calendar-experiment.mjs <skew|uniform> <steps>
import { createRng, learningRate } from '@marr/core';
import { allCalendarProblems, calendarAnswerWord, calendarPrompt, type CalendarProblem } from '../src/corpus/generators/calendar.js';
import { getRecipe } from '../src/recipes.js';
import { corpusVocabulary } from '../src/tokenizer/corpus-vocabulary.js';
import { BOS_ID, EOS_ID, encodeWords } from '../src/tokenizer/word-tokenizer.js';
import { initParameters } from '../src/train/parameters.js';
import { recipeConfig } from '../src/train/trainer.js';
import { createTrainee, trainStep } from '../src/train/step.js';
import { batchAt } from '../src/train/data.js';

const skew = process.argv[2] === 'skew';
const steps = Number(process.argv[3] ?? 400);
const rng = createRng(7);
const vocab = corpusVocabulary();
const recipe = getRecipe('organism');
const cfg = recipeConfig(recipe, vocab);
function count(n: number): number {
  if (!skew) return 1 + rng.int(n - 1);
  // p(c) ∝ 1/c²
  const w = Array.from({ length: n - 1 }, (_, i) => 1 / (i + 1) ** 2);
  let u = rng.next() * w.reduce((a, b) => a + b, 0);
  for (let i = 0; i < w.length; i++) { if (u < w[i]) return i + 1; u -= w[i]; }
  return n - 1;
}
const need = steps * recipe.batch * recipe.seq + 1;
const stream = new Int32Array(need);
let n = 0;
while (n < need) {
  const parts: string[] = [];
  for (let i = 0; i < 3; i++) {
    const unit = rng.next() < 0.5 ? 'days' : 'months';
    const m = unit === 'days' ? 7 : 12;
    const p: CalendarProblem = { unit, count: count(m), direction: 'after', start: rng.int(m) };
    parts.push(`${calendarPrompt(p)} ${calendarAnswerWord(p)} .`);
  }
  for (const id of [BOS_ID, ...encodeWords(vocab, parts.join(' ')), EOS_ID]) if (n < need) stream[n++] = id;
}
const trainee = createTrainee(initParameters(cfg, 0));
for (let s = 0; s < steps; s++) {
  const { tokens, targets } = batchAt(stream, s, recipe.batch, recipe.seq);
  await trainStep(trainee, tokens, targets, recipe.batch, recipe.seq, learningRate(s, steps, 50, recipe.maxLr, recipe.minLr), recipe);
  if ((s + 1) % 100 === 0 || s + 1 === steps) {
    let ok = 0;
    const probs = allCalendarProblems();
    for (const q of probs) {
      const ids = [BOS_ID, ...encodeWords(vocab, calendarPrompt(q))];
      const f = { logits: (await trainee.model.run([ids])).logits!.data };
      const o = (ids.length - 1) * cfg.dVocab;
      let best = 0;
      for (let j = 1; j < cfg.dVocab; j++) if (f.logits[o + j] > f.logits[o + best]) best = j;
      if (vocab.tokens[best] === calendarAnswerWord(q)) ok++;
    }
    console.log(skew ? 'skew' : 'uniform', 'step', s + 1, 'calendar accuracy', (ok / probs.length).toFixed(3));
  }
}
await trainee.model.dispose();
process.exit(0);
