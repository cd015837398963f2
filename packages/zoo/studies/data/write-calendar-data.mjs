// Writes the data files of the zoo's calendar study from the zoo's calendar generator (committed; run after
// building @marr/zoo): node packages/zoo/studies/data/write-calendar-data.mjs
// calendar-behaviour.jsonl  every problem the corpus states ("three days after Monday is" -> Thursday), by unit
// calendar-last-token.jsonl day problems for probes: only the last token ("is") labelled with the answer day
// calendar-pairs.jsonl      day problems paired with the same count from the next start day (same length)
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel } from '@marr/core';
import { allCalendarProblems, calendarAnswerWord, calendarPrompt } from '@marr/zoo';

const here = dirname(fileURLToPath(import.meta.url));
const model = await loadModel('default');
const tok = model.tokenizer;
const write = (name, rows) => {
  writeFileSync(join(here, name), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  console.log(`wrote ${rows.length} lines to ${name}`);
};
const problems = allCalendarProblems();
write('calendar-behaviour.jsonl', problems.map((p) => ({ prompt: calendarPrompt(p), answer: calendarAnswerWord(p), group: p.unit })));
const days = problems.filter((p) => p.unit === 'days');
write(
  'calendar-last-token.jsonl',
  days.map((p) => {
    const text = calendarPrompt(p);
    const n = tok.encode(text, { addBos: false }).length;
    return { text, tokenLabels: Array.from({ length: n }, (_, i) => (i === n - 1 ? calendarAnswerWord(p) : null)) };
  }),
);
const pairs = [];
for (const p of days) {
  const q = { ...p, start: (p.start + 1) % 7 };
  const clean = calendarPrompt(p), corrupted = calendarPrompt(q);
  if (tok.encode(clean).length !== tok.encode(corrupted).length) continue;
  pairs.push({ clean, corrupted, answer: calendarAnswerWord(p), wrong: calendarAnswerWord(q) });
}
write('calendar-pairs.jsonl', pairs);
await model.dispose();
