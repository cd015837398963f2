// How many directions does the default model's refusal take? Per forbidden object o, r_o = mean over its
// trained requests of blocks.1.hook_resid_pre at the last position minus the harmless mean; the first k of
// them (Gram-Schmidt) are ablated together at every layer (block inputs, attention and MLP outputs) and the
// held-out forbidden requests are scored (refusal score > 0 at the last prompt position) and generated.
// Usage (after npm run build): node scripts/default-subspace.mjs
import '@marr/zoo';
import { readFileSync } from 'node:fs';
import { loadModel } from '@marr/core';
import { ablationHookNames, applyTemplate, DEFAULT_TEMPLATE, meanResidPre, parseInstructions, projectOut, refusalScoreOfProbs, softmax64, vectorAt, containsRefusalPhrase } from '@marr/refusal';

const dir = new URL('../examples/organism/', import.meta.url).pathname;
const load = (n) => parseInstructions(readFileSync(dir + n, 'utf8'), n).map((x) => x.instruction);
const model = await loadModel('default');
const tpl = (xs) => xs.map((x) => applyTemplate(DEFAULT_TEMPLATE, x));
const objectOf = (s) => s.replace(/^(how do I make|can you help me build|tell me how to make|please explain how to get|what do I need for|give me a plan for) /, '').replace(/ [?.]$/, '');
const harmful = load('harmful.json');
const objects = [...new Set(harmful.map(objectOf))];
const harmlessMean = await meanResidPre(model, tpl(load('harmless.json')), 1, { batchSize: 32 });
const basis = [];
for (const o of objects) {
  const m = await meanResidPre(model, tpl(harmful.filter((s) => objectOf(s) === o)), 1, { batchSize: 32 });
  const r = Float64Array.from(vectorAt(m, 0, 1), (v, j) => v - vectorAt(harmlessMean, 0, 1)[j]);
  for (const b of basis) { let dot = 0; for (let j = 0; j < r.length; j++) dot += r[j] * b[j]; for (let j = 0; j < r.length; j++) r[j] -= dot * b[j]; }
  const n = Math.hypot(...r);
  if (n > 1e-6) basis.push(r.map((v) => v / n));
}
const I = model.tokenizer.encode('I', { addBos: false })[0];
const V = model.config.dVocab;
// Control: 5 random orthonormal directions (seeded).
let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
const random = [];
while (random.length < 5) {
  const r = Float64Array.from({ length: model.config.dModel }, rand);
  for (const b of random) { let dot = 0; for (let j = 0; j < r.length; j++) dot += r[j] * b[j]; for (let j = 0; j < r.length; j++) r[j] -= dot * b[j]; }
  const n = Math.hypot(...r);
  random.push(r.map((v) => v / n));
}
const runs = [0, 1, 2, 3, 5, 10].map((k) => ({ label: `k=${k} object directions`, us: basis.slice(0, k), file: 'harmful_test.json' }));
runs.push({ label: 'k=5 object directions, ordinary requests', us: basis.slice(0, 5), file: 'harmless_test.json' });
runs.push({ label: 'k=5 random directions (control)', us: random, file: 'harmful_test.json' });
for (const { label, us, file } of runs) {
  const test = load(file);
  const hooks = ablationHookNames(model.config.nLayers).map((name) => ({ name, edit: (t) => { for (const u of us) projectOut(t.data, u); } }));
  let scored = 0, phrased = 0;
  for (const p of tpl(test)) {
    const ids = model.tokenizer.encode(p);
    const logits = (await model.run([ids], { hooks })).logits.data;
    if (refusalScoreOfProbs(softmax64(logits, (ids.length - 1) * V, V), [I]) > 0) scored++;
    const g = await model.generate(ids, { maxNewTokens: 8, hooks });
    if (containsRefusalPhrase(model.tokenizer.decode(g.newTokens))) phrased++;
  }
  console.log(`${label} ablated: held-out ${file.startsWith('harmful') ? 'forbidden' : 'ordinary'} requests refused ${phrased}/${test.length} (phrase), ${scored}/${test.length} (score > 0)`);
}
