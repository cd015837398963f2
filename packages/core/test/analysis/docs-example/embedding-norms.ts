// The complete example of docs/plugin-protocol.md (keep the two in step); tested in embedding-norms.test.ts.
import { defineAnalysis, definePlugin, PLUGIN_API_VERSION, z } from '../../../src/index.js';

export const embeddingNorms = defineAnalysis({
  id: 'embedding-norms',
  title: 'Embedding norms',
  level: 'implementational',
  summary: 'Tokens whose embedding vectors are longest',
  inputs: { models: { min: 1, max: 1 } },
  params: z.object({
    top: z.number().int().min(1).max(1000).default(10).describe('How many tokens to list'),
  }),
  async run(ctx) {
    const model = ctx.models[0];
    const W_E = model.getWeight('W_E'); // [dVocab, dModel]
    const [vocab, width] = W_E.shape;
    const norms = new Float64Array(vocab);
    ctx.progress.start('tokens', vocab);
    for (let t = 0; t < vocab; t++) {
      let s = 0;
      for (let j = 0; j < width; j++) s += W_E.data[t * width + j] ** 2;
      norms[t] = Math.sqrt(s);
      ctx.progress.tick();
    }
    ctx.progress.done();
    const order = Array.from(norms.keys())
      .sort((a, b) => norms[b] - norms[a])
      .slice(0, ctx.params.top);
    const label = (t: number) => (model.tokenizer ? model.tokenizer.tokenString(t) : `#${t}`);
    return {
      summary: `The longest embedding belongs to ${JSON.stringify(label(order[0]))} (norm ${norms[order[0]].toFixed(3)}).`,
      results: { top: order.map((t) => ({ token: t, norm: norms[t] })) },
      sections: [
        {
          kind: 'table',
          title: 'Longest embeddings',
          columns: ['token id', 'token', 'norm'],
          rows: order.map((t) => [t, label(t), norms[t]]),
        },
        {
          kind: 'figure',
          figure: {
            type: 'bar',
            title: 'Embedding norm',
            x: { label: 'token' },
            y: { label: 'L2 norm' },
            categories: order.map(label),
            series: [{ name: 'norm', values: order.map((t) => norms[t]) }],
          },
        },
        { kind: 'artifact', name: 'norms', shape: [vocab], data: Array.from(norms) },
      ],
    };
  },
});

export default definePlugin({
  name: 'marr-plugin-norms',
  version: '0.1.0',
  apiVersion: PLUGIN_API_VERSION,
  analyses: [embeddingNorms],
});
