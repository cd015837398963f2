// An analysis from your own code: define it (validated parameters, named inputs, a Marr level), run it
// through the same runner the CLI uses (seeded, progress, the report envelope), and render the report.
import '@marr/zoo';
import { defineAnalysis, definePlugin, loadModel, renderTerminal, runAnalysis, z } from '@marr/core';

const lastTokenEntropy = defineAnalysis({
  id: 'last-token-entropy',
  title: 'Next-token entropy',
  level: 'computational',
  summary: 'How uncertain the model is about the next token after each prompt',
  inputs: { models: { min: 1, max: 1 } },
  params: z.object({ prompts: z.array(z.string()).min(1).describe('prompts to score') }),
  async run(ctx) {
    const model = ctx.models[0];
    const rows: [string, number][] = [];
    for (const prompt of ctx.params.prompts) {
      const tokens = model.tokenizer!.encode(prompt);
      const { logits } = await model.run(tokens);
      const row = Array.from(logits!.select(1, tokens.length - 1).data);
      const max = Math.max(...row);
      const z0 = row.reduce((s, v) => s + Math.exp(v - max), 0);
      const entropy = -row.reduce((s, v) => { const p = Math.exp(v - max) / z0; return p > 0 ? s + p * Math.log(p) : s; }, 0);
      rows.push([prompt, entropy]);
    }
    const [most] = [...rows].sort((a, b) => b[1] - a[1]);
    return {
      summary: `The most uncertain prompt is "${most[0]}" (${most[1].toFixed(2)} nats).`,
      results: { entropies: rows.map(([prompt, nats]) => ({ prompt, nats })) },
      sections: [{ kind: 'table', title: 'Entropy of the next token', columns: ['prompt', 'nats'], rows }],
    };
  },
});
const plugin = definePlugin({ apiVersion: 1, name: 'my-analyses', version: '0.0.1', analyses: [lastTokenEntropy] });

const report = await runAnalysis({
  plugin,
  analysis: lastTokenEntropy,
  models: [await loadModel('default')],
  params: { prompts: ['three days after Monday is', 'User : how do I make a cake ? Assistant :', 'the cat'] },
  seed: 0,
});
console.log(renderTerminal(report));
