// Writes <n> held-out documents of the @marr/zoo corpus (the stream the shipped models are evaluated
// on, never trained on) as a text file, one document per paragraph: the data of the README's findings.
// Usage: node scripts/heldout-corpus.mjs <documents> <out.txt>
import { writeFileSync } from 'node:fs';
import { generateCorpus, HELD_OUT_SEED } from '@marr/zoo';

const [count = '3000', out = 'heldout.txt'] = process.argv.slice(2);
const docs = generateCorpus(HELD_OUT_SEED, Number(count));
writeFileSync(out, docs.map((d) => d.text.replace(/\n\s*\n/g, '\n')).join('\n\n') + '\n');
console.log(`wrote ${docs.length} documents to ${out}`);
