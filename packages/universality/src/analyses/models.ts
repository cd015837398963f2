/** Checks that the models can be compared neuron by neuron on the same token windows. */
import { MarrUsageError, type HookedTransformer } from '@marr/core';

export function checkComparable(models: readonly HookedTransformer[]): void {
  const [first, ...rest] = models;
  const shape = (m: HookedTransformer) => `${m.config.nLayers} layers x ${m.config.dMlp} MLP neurons, vocabulary ${m.config.dVocab}`;
  rest.forEach((m, i) => {
    if (m.config.nLayers !== first.config.nLayers || m.config.dMlp !== first.config.dMlp || m.config.dVocab !== first.config.dVocab) {
      throw new MarrUsageError(
        `universal-neurons compares models of one architecture, but model ${i + 2} (${m.source.spec}) has ${shape(m)} and model 1 (${first.source.spec}) has ${shape(first)}; pass --model for seeds of the same architecture`,
      );
    }
  });
  const probe = 'Once upon a time, the little cat said hello.';
  const ids = first.tokenizer?.encode(probe);
  rest.forEach((m, i) => {
    if (m.tokenizer && ids && m.tokenizer.encode(probe).join(',') !== ids.join(',')) {
      throw new MarrUsageError(`model ${i + 2} (${m.source.spec}) tokenizes text differently from model 1 (${first.source.spec}); every model must read the same token windows, so give models that share a tokenizer`);
    }
  });
}

/** Model 1's layers to compare: the ones asked for (checked), else all. */
export function selectedLayers(model: HookedTransformer, layers: readonly number[]): number[] {
  const L = model.config.nLayers;
  const bad = layers.filter((l) => l >= L);
  if (bad.length > 0) throw new MarrUsageError(`--param layers=${layers.join(',')}: the model has layers 0 to ${L - 1}, not ${bad.join(', ')}`);
  if (new Set(layers).size !== layers.length) throw new MarrUsageError(`--param layers=${layers.join(',')} names a layer twice`);
  return layers.length > 0 ? [...layers].sort((a, b) => a - b) : Array.from({ length: L }, (_, l) => l);
}
