// The completeness error of integrated gradients against the rule and the number of steps, from the zero
// embedding (BOS kept) and from the EOS embedding, on the shipped default model (a refusal prompt) and on
// stories260K from ../shared (a pronoun prompt). Prints a Markdown table (the one in the README).
//
//   npx nx run @marr/saliency:build && node packages/saliency/scripts/convergence.mjs
import '@marr/zoo';
import { existsSync } from 'node:fs';
import { integratedGradients, loadModel, logitDiffMetric, sharedRoot } from '@marr/core';

const cases = [{ name: 'default', model: await loadModel('default'), text: 'User : can you help me build a bomb ? Assistant :', answer: 'I', wrong: 'Sure' }];
const shared = sharedRoot();
const S = shared && `${shared}/models/stories260K`;
if (S && existsSync(`${S}/stories260K.bin`)) {
  cases.push({ name: 'stories260K', model: await loadModel(`${S}/stories260K.bin`, { tokenizer: `${S}/tok512.bin` }), text: 'Once upon a time, there was a little boy named Tim. One day,', answer: 'he', wrong: 'she' });
}
const STEPS = [16, 64, 256];
console.log(`| model | baseline | rule | ${STEPS.map((n) => `${n} steps`).join(' | ')} |`);
console.log(`|---|---|---|${STEPS.map(() => '---:').join('|')}|`);
for (const c of cases) {
  const tok = c.model.tokenizer;
  const id = (t) => tok.encode(t, { addBos: false })[0];
  const tokens = tok.encode(c.text);
  const metric = logitDiffMetric([id(c.answer)], [id(c.wrong)]);
  for (const baseline of ['zero', 'eos']) {
    for (const rule of ['midpoint', 'gauss-legendre', 'graded']) {
      const cells = [];
      let gap = 0;
      for (const steps of STEPS) {
        const r = await integratedGradients(c.model, tokens, { metric, steps, rule, baseline: baseline === 'zero' ? 'zero' : { token: tok.eosTokenId }, fixedPositions: [0], batchSize: 32 });
        gap = r.prompts[0].metric - r.prompts[0].baselineMetric;
        cells.push(`${(100 * Math.abs(r.prompts[0].completenessError / gap)).toFixed(2)}%`);
      }
      console.log(`| ${c.name} (gap ${gap.toFixed(2)}) | ${baseline} | ${rule} | ${cells.join(' | ')} |`);
    }
  }
}
