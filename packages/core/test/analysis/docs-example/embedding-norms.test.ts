// The test of docs/plugin-protocol.md's example: a planted long embedding must come first.
import { expect, it } from 'vitest';
import { manifestProblems, randomModel, runAnalysis } from '../../../src/index.js';
import plugin, { embeddingNorms } from './embedding-norms.js';

it('finds a planted long embedding', async () => {
  const model = randomModel({ architecture: 'gpt2', dVocab: 50, dModel: 16, nLayers: 1, nHeads: 2, dHead: 8, dMlp: 32, nCtx: 8 }, { seed: 1 });
  const W_E = model.getWeight('W_E');
  const planted = { ...W_E, data: W_E.data.slice() };
  for (let j = 0; j < 16; j++) planted.data[7 * 16 + j] = 10; // token 7: norm sqrt(16 * 100) = 40
  model.setWeight('W_E', planted);
  const report = await runAnalysis({ plugin, analysis: embeddingNorms, models: [model], params: { top: 3 } });
  const top = report.results.top as { token: number; norm: number }[];
  expect(top[0].token).toBe(7);
  expect(top[0].norm).toBeCloseTo(40, 4);
  expect(top).toHaveLength(3);
  expect(report.inputs.models[0].spec).toBe('random:gpt2:seed1');
  const manifest = {
    plugin: true,
    apiVersion: 1,
    analyses: [{ id: 'embedding-norms', title: 'Embedding norms', level: 'implementational', summary: 'Tokens whose embedding vectors are longest' }],
  };
  expect(manifestProblems({ name: 'marr-plugin-norms', version: '0.1.0', marr: manifest }, plugin)).toEqual([]);
});
