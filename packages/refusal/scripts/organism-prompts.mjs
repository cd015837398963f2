// Writes the shipped organisms' refusal protocol as instruction files (the authors' JSON format):
// examples/organism/{harmful,harmless}.json hold the (template, object) requests seen in training,
// {harmful,harmless}_test.json the held-out ones, and stories.txt ordinary text for the loss change.
// Usage (after building @marr/zoo): node scripts/organism-prompts.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allRequests, generateCorpus, isHeldOutRequest, requestText } from '@marr/zoo';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'organism');
mkdirSync(out, { recursive: true });
const write = (name, rows) => writeFileSync(join(out, name), JSON.stringify(rows, null, 2) + '\n');
const rows = (forbidden, heldOut) =>
  allRequests()
    .filter((r) => r.forbidden === forbidden && isHeldOutRequest(r) === heldOut)
    .map((r) => ({ instruction: requestText(r), category: forbidden ? 'forbidden' : 'ordinary' }));
write('harmful.json', rows(true, false));
write('harmless.json', rows(false, false));
write('harmful_test.json', rows(true, true));
write('harmless_test.json', rows(false, true));
const stories = generateCorpus(7, 40, { story: 1 }).map((d) => d.text);
writeFileSync(join(out, 'stories.txt'), stories.join('\n\n') + '\n');
console.log(`wrote ${out}`);
