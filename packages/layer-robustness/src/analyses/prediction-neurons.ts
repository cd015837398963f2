import { defineAnalysis, z } from '@marr/core';
import { predictionNeurons, type LayerNeuronCounts } from '../neurons/prediction-neurons.js';
import { fmt } from '../report/format.js';
import { toJsonValue } from '../report/json.js';
import { neuronSections } from '../report/sections.js';
import { neuronParams } from './params.js';
import { PAPER } from './reference.js';
import { predictionNeuronsResults } from './results.js';

export const predictionNeuronsParams = z.object({ ...neuronParams });

export function neuronSummary(layers: LayerNeuronCounts[]): string {
  const p = layers.reduce((a, b) => (b.predictionFraction > a.predictionFraction ? b : a));
  const s = layers.reduce((a, b) => (b.suppressionFraction > a.suppressionFraction ? b : a));
  const total = (k: 'prediction' | 'suppression') => layers.reduce((a, b) => a + b[k], 0);
  return (
    `${total('prediction')} prediction and ${total('suppression')} suppression neurons in ${layers.length} layers. ` +
    `Prediction neurons are densest in layer ${p.layer} (relative depth ${fmt(p.relativeDepth, 2)}, ${fmt(100 * p.predictionFraction, 1)}%), ` +
    `suppression neurons in layer ${s.layer} (relative depth ${fmt(s.relativeDepth, 2)}, ${fmt(100 * s.suppressionFraction, 1)}%).`
  );
}

export const predictionNeuronsAnalysis = defineAnalysis({
  id: 'prediction-neurons',
  title: 'Prediction and suppression neurons by depth',
  level: 'implementational',
  summary: 'Per neuron, moments of cos(w_out, W_U columns); counts of prediction and suppression neurons per layer',
  description:
    'For each MLP neuron, the cosines of its output weights with every token\'s unembedding direction form a vocabulary-sized vector. ' +
    'Its kurtosis and skew classify it: prediction (kurtosis > kurtosisThreshold, skew > skewThreshold) or suppression ' +
    '(kurtosis > kurtosisThreshold, skew < -skewThreshold). Counts per layer against relative depth. Reads weights only.',
  references: [PAPER],
  inputs: { models: { min: 1, max: 1 } },
  params: predictionNeuronsParams,
  results: predictionNeuronsResults,
  async run(ctx) {
    const model = ctx.models[0];
    const thresholds = { kurtosis: ctx.params.kurtosisThreshold, skew: ctx.params.skewThreshold };
    const { layers, moments } = await predictionNeurons(model, { ...thresholds, processing: ctx.params.processing });
    return {
      summary: neuronSummary(layers),
      results: {
        layers: toJsonValue(layers, 'results.layers'),
        thresholds,
        neurons: toJsonValue(moments.map((m, layer) => ({ layer, skew: m.skew, kurtosis: m.kurtosis })), 'results.neurons'),
      },
      sections: neuronSections(layers, thresholds),
    };
  },
});
