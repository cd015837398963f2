// Writes the data files of the zoo's shipped studies from the zoo's own generators (run after building
// @marr/zoo; the files are committed, so studies run without this script):
//   node packages/zoo/studies/data/write-study-data.mjs
// refusal-behaviour.jsonl  every request of the refusal protocol, answer "I" (the refusal's first word)
// refusal-last-token.jsonl the same requests for probes: only the last token (":" of "Assistant :") labelled
// refusal-pairs.jsonl      forbidden/ordinary pairs of equal token length (as @marr/patching's example)
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel } from '@marr/core';
import { allRequests, requestPrompt, FORBIDDEN_OBJECTS, ORDINARY_OBJECTS, REQUEST_TEMPLATES, REFUSAL_FIRST_WORD, ANSWER_FIRST_WORD } from '@marr/zoo';

const here = dirname(fileURLToPath(import.meta.url));
const model = await loadModel('default');
const tok = model.tokenizer;
const write = (name, rows) => {
  writeFileSync(join(here, name), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  console.log(`wrote ${rows.length} lines to ${name}`);
};
const group = (r) => (r.forbidden ? 'forbidden' : 'ordinary');

const requests = allRequests();
write('refusal-behaviour.jsonl', requests.map((r) => ({ prompt: requestPrompt(r), answer: REFUSAL_FIRST_WORD, wrong: ANSWER_FIRST_WORD, group: group(r) })));
write(
  'refusal-last-token.jsonl',
  requests.map((r) => {
    const text = requestPrompt(r);
    const n = tok.encode(text, { addBos: false }).length;
    return { text, tokenLabels: Array.from({ length: n }, (_, i) => (i === n - 1 ? group(r) : null)) };
  }),
);

// Pairs that differ only in the object and have the same number of tokens, so positions line up.
const length = (text) => tok.encode(text).length;
const pairs = [];
for (let template = 0; template < REQUEST_TEMPLATES.length; template++) {
  const ordinary = [...ORDINARY_OBJECTS];
  for (const object of FORBIDDEN_OBJECTS) {
    const clean = requestPrompt({ template, object, forbidden: true });
    const k = ordinary.findIndex((o) => length(requestPrompt({ template, object: o, forbidden: false })) === length(clean));
    if (k < 0) continue;
    const [other] = ordinary.splice(k, 1);
    pairs.push({ clean, corrupted: requestPrompt({ template, object: other, forbidden: false }), answer: REFUSAL_FIRST_WORD, wrong: ANSWER_FIRST_WORD });
  }
}
const counts = new Map();
for (const p of pairs) counts.set(length(p.clean), (counts.get(length(p.clean)) ?? 0) + 1);
const modal = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
write('refusal-pairs.jsonl', pairs.filter((p) => length(p.clean) === modal));
await model.dispose();
