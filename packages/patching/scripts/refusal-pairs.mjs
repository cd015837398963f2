// Writes examples/refusal-pairs.jsonl: forbidden vs ordinary requests of the zoo's refusal protocol that differ only in the object, all of one token length (so positions line up for over=layer-position).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel } from '@marr/core';
import { FORBIDDEN_OBJECTS, ORDINARY_OBJECTS, REQUEST_TEMPLATES, REFUSAL_FIRST_WORD, ANSWER_FIRST_WORD, requestPrompt } from '@marr/zoo';

const here = dirname(fileURLToPath(import.meta.url));
const model = await loadModel('default');
const length = (text) => model.tokenizer.encode(text).length;
const lines = [];
for (let template = 0; template < REQUEST_TEMPLATES.length; template++) {
  const ordinary = [...ORDINARY_OBJECTS];
  for (const forbidden of FORBIDDEN_OBJECTS) {
    const clean = requestPrompt({ template, object: forbidden, forbidden: true });
    // The first unused ordinary object whose prompt has as many tokens.
    const k = ordinary.findIndex((o) => length(requestPrompt({ template, object: o, forbidden: false })) === length(clean));
    if (k < 0) continue;
    const [object] = ordinary.splice(k, 1);
    lines.push({ clean, corrupted: requestPrompt({ template, object, forbidden: false }), answer: REFUSAL_FIRST_WORD, wrong: ANSWER_FIRST_WORD });
  }
}
// Keep the most common length, so every pair lines up position by position.
const counts = new Map();
for (const l of lines) counts.set(length(l.clean), (counts.get(length(l.clean)) ?? 0) + 1);
const modal = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
const kept = lines.filter((l) => length(l.clean) === modal);
writeFileSync(join(here, '..', 'examples', 'refusal-pairs.jsonl'), kept.map((l) => JSON.stringify(l)).join('\n') + '\n');
console.log(`wrote ${kept.length} pairs of ${modal} tokens`);
await model.dispose();
