/** Loads a trained folder through @marr/core's normal path and prints its behaviour report as JSON. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '@marr/core';
import { measureBehaviours } from '../src/evaluate/behaviours.js';
import { vocabularyFromTokenizerJson } from '../src/tokenizer/word-tokenizer.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: evaluate-folder <model folder>');
const model = await loadModel(dir);
const vocab = vocabularyFromTokenizerJson(JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')));
const t0 = performance.now();
const report = await measureBehaviours(model, vocab);
console.log(JSON.stringify(report, null, 2));
console.error(`evaluated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
await model.dispose();
process.exit(0);
