// Writes the data files of the zoo's German-context study from the zoo's own generators, on a seed no
// shipped model was trained on (the files are committed; run after building @marr/zoo):
//   node packages/zoo/studies/data/write-german-data.mjs
// german-de.txt, german-en.txt   German passages and English stories, one per paragraph (the probe's classes)
// german-behaviour.jsonl         prefixes of fresh passages and stories with the next word as the answer
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng, loadModel } from '@marr/core';
import { generateGerman, generateStory } from '@marr/zoo';

const here = dirname(fileURLToPath(import.meta.url));
const model = await loadModel('default');
const tok = model.tokenizer;
const rng = createRng(31_337);
const de = Array.from({ length: 200 }, () => generateGerman(rng));
const en = Array.from({ length: 200 }, () => generateStory(rng));
writeFileSync(join(here, 'german-de.txt'), de.join('\n\n') + '\n');
writeFileSync(join(here, 'german-en.txt'), en.join('\n\n') + '\n');

// Behaviour: for fresh documents, the text up to a word (at least 8 words in) and that word as the answer.
const rows = [];
for (const [group, generate] of [['german', generateGerman], ['english', generateStory]]) {
  let made = 0;
  while (made < 60) {
    const words = generate(rng).split(/\s+/).filter(Boolean);
    if (words.length < 12) continue;
    const cut = 8 + Math.floor(rng.next() * Math.min(24, words.length - 9));
    const prompt = words.slice(0, cut).join(' ');
    const answer = words[cut];
    if (tok.encode(answer, { addBos: false }).length !== 1) continue;
    if (tok.encode(prompt).length > 60) continue;
    rows.push({ prompt, answer, group });
    made++;
  }
}
writeFileSync(join(here, 'german-behaviour.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
console.log(`wrote ${de.length} + ${en.length} documents and ${rows.length} behaviour prompts`);
await model.dispose();
