// Writes the planted ground truth of the multidim-features worked example: examples/planted-day-sae/ (an
// SAELens folder: 7 day features on a circle plus 57 random ones, on the shipped default model's
// blocks.0.hook_resid_pre; see src/planted/planted-circle-sae.ts) and examples/calendar-days.txt (300
// calendar sentences of the zoo corpus's form). Run after building: node scripts/planted-day-sae.mjs
import '@marr/zoo';
import { writeFileSync } from 'node:fs';
import { createRng, loadModel } from '@marr/core';
import { saveSae } from '@marr/sae';
import { calendarAnswerWord, calendarPrompt, DAYS } from '@marr/zoo';
import { plantedCircleSae } from '../dist/index.js';

const model = await loadModel('default');
const { sae } = plantedCircleSae(model, DAYS, { seed: 0 });
await saveSae(sae, new URL('../examples/planted-day-sae', import.meta.url).pathname);
const rng = createRng(5);
const lines = [];
for (let i = 0; i < 300; i++) {
  const p = { unit: 'days', count: 1 + rng.int(6), direction: 'after', start: rng.int(7) };
  lines.push(`${calendarPrompt(p)} ${calendarAnswerWord(p)} .`);
}
writeFileSync(new URL('../examples/calendar-days.txt', import.meta.url), lines.join('\n') + '\n');
