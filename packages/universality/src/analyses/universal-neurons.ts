import { defineAnalysis, runWhole, type ShardedRun } from '@marr/core';
import { universalityResults } from './finish.js';
import { universalNeuronsParams, type UniversalNeuronsParams } from './params.js';
import { universalityPartial } from './partial.js';
import { REFERENCES } from './references.js';
import { universalNeuronsResults } from './results.js';
import { universalityReport } from '../report/sections.js';

/** The analysis in two halves: per-shard float64 sums, and the report from the merged sums. */
export const universalNeuronsShards: ShardedRun<UniversalNeuronsParams> = {
  partial: universalityPartial,
  async finish(ctx, state) {
    const results = universalityResults(state, ctx.params);
    return universalityReport(results, state.text?.vocabulary ?? null, ctx.params.top);
  },
};

export const universalNeuronsAnalysis = defineAnalysis({
  id: 'universal-neurons',
  title: 'Universal neurons',
  level: 'implementational',
  summary: 'Neurons of one model whose activations another seed of the same architecture reproduces (max Pearson correlation over its neurons, minus a random-rotation baseline; Gurnee et al. 2024)',
  description:
    "Every MLP neuron (mlp.hook_post) of model 1 is correlated with every neuron of every layer of each other model over the same token windows (BOS, EOS and newline positions dropped), " +
    'from float64 running sums of x, x², y, y² and xy (the xy sums matrix products per batch on the fast matmul). Its max correlation per other model, averaged over the other models, minus the same ' +
    'for the other models\' activations multiplied by a seeded Gaussian matrix with unit-norm rows, is its excess; above the threshold (0.5) it is universal. Per neuron also: weight norms, ' +
    'cos(w_in, w_out), activation moments and firing frequency, moments of cos(w_out, W_U columns), and families (prediction, suppression, unigram, previous-token, position). ' +
    'Runs in shards (--shard i/N, then marr merge): the statistics are sums that add across machines.',
  references: REFERENCES,
  inputs: {
    models: { min: 2 },
    data: { kind: 'text', required: true, description: 'text every model reads, cut into the same token windows' },
    hookPoints: ['blocks.*.mlp.hook_post'],
    capabilities: ['tokenizer'],
  },
  params: universalNeuronsParams,
  results: universalNeuronsResults,
  run: runWhole(universalNeuronsShards),
  shards: universalNeuronsShards,
});
