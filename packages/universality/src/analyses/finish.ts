/**
 * From the merged sums to the results: per neuron of model 1, the max correlation over every neuron of
 * each other model and over its rotated baseline, their mean/min/max over the other models, excess and
 * universality (authors' analysis/neuron_df.py make_corr_compare_df); the neuron statistics and
 * families; per-layer counts.
 */
import type { PartialState } from '@marr/core';
import { maxCorrelations } from '../correlation/pearson.js';
import { familiesOf, FAMILIES } from '../families/families.js';
import { momentsFromPowerSums } from '../statistics/moments.js';
import { bestBinaryFeature, categoricalReduction } from '../statistics/variance-reduction.js';
import type { UniversalNeuronsParams } from './params.js';
import type { NeuronResult, UniversalNeuronsResults } from './results.js';

const row = (a: Float64Array, m: number, size: number) => a.subarray(m * size, (m + 1) * size);

export function universalityResults(state: PartialState, params: Pick<UniversalNeuronsParams, 'threshold' | 'familyThreshold' | 'vocabKurtosis'>): UniversalNeuronsResults {
  const { sums, constants } = state;
  const [L, d, M, , , grouped] = constants.shape.data;
  const layers = [...constants.layers.data];
  const rows = layers.length * d;
  const cols = L * d;
  const others = M - 1;
  const n = sums.n.data[0];
  const x = { sum: sums['x.sum'].data, sq: sums['x.sq'].data };
  const best = Array.from({ length: others }, (_, m) => ({
    model: maxCorrelations(row(sums.xy.data, m, rows * cols), x, { sum: row(sums['y.sum'].data, m, cols), sq: row(sums['y.sq'].data, m, cols) }, n),
    baseline: maxCorrelations(row(sums.xb.data, m, rows * cols), x, { sum: row(sums['b.sum'].data, m, cols), sq: row(sums['b.sq'].data, m, cols) }, n),
  }));
  const w = constants.weights.data;
  const neurons: NeuronResult[] = [];
  for (let i = 0; i < rows; i++) {
    const corr = best.map((b) => b.model.corr[i]);
    const base = best.map((b) => b.baseline.corr[i]);
    const mean = corr.reduce((a, c) => a + c, 0) / others;
    const baseMean = base.reduce((a, c) => a + c, 0) / others;
    const excess = mean - baseMean;
    const moments = momentsFromPowerSums(n, x.sum[i], x.sq[i], sums['x.cube'].data[i], sums['x.fourth'].data[i]);
    let explanation: NeuronResult['explanation'] = null;
    if (grouped) {
      const g = (name: string) => [sums[`${name}.count`].data, sums[`${name}.sum`].data, sums[`${name}.sq`].data] as const;
      const tok = bestBinaryFeature(i, rows, n, x.sum[i], x.sq[i], ...g('token'));
      const prev = bestBinaryFeature(i, rows, n, x.sum[i], x.sq[i], ...g('previous'));
      explanation = {
        token: tok.group, tokenReduction: tok.reduction,
        previousToken: prev.group, previousTokenReduction: prev.reduction,
        positionReduction: categoricalReduction(i, rows, n, x.sum[i], x.sq[i], ...g('position')),
      };
    }
    const ws = w.subarray(i * 8, (i + 1) * 8);
    const stats = {
      wInNorm: ws[0], inputBias: ws[1], wOutNorm: ws[2], inOutCos: ws[3],
      actMean: moments.mean, actVar: moments.variance, actSkew: moments.skew, actKurtosis: moments.kurtosis,
      firingFrequency: n > 0 ? sums['x.positive'].data[i] / n : 0,
      vocabMean: ws[4], vocabVar: ws[5], vocabSkew: ws[6], vocabKurtosis: ws[7],
    };
    const partners = best.map((b) => {
      const j = b.model.index[i];
      return { layer: Math.floor(j / d), neuron: j % d, corr: b.model.corr[i] };
    });
    neurons.push({
      layer: layers[Math.floor(i / d)], neuron: i % d,
      maxCorr: mean, minMaxCorr: Math.min(...corr), maxMaxCorr: Math.max(...corr),
      partner: { layer: partners[0].layer, neuron: partners[0].neuron }, partners,
      baselineMaxCorr: baseMean, minBaselineMaxCorr: Math.min(...base), maxBaselineMaxCorr: Math.max(...base), excess, universal: excess > params.threshold,
      stats,
      families: familiesOf({
        vocabSkew: stats.vocabSkew, vocabKurtosis: stats.vocabKurtosis,
        tokenReduction: explanation?.tokenReduction ?? null, previousTokenReduction: explanation?.previousTokenReduction ?? null, positionReduction: explanation?.positionReduction ?? null,
      }, params),
      explanation,
    });
  }
  const universal = neurons.filter((u) => u.universal).length;
  const layerSummaries = layers.map((layer) => {
    const inLayer = neurons.filter((u) => u.layer === layer);
    const u = inLayer.filter((v) => v.universal).length;
    return { layer, neurons: inLayer.length, universal: u, percent: (100 * u) / inLayer.length, meanExcess: inLayer.reduce((a, v) => a + v.excess, 0) / inLayer.length };
  });
  const families = Object.fromEntries(FAMILIES.map((f) => {
    const members = neurons.filter((u) => u.families.includes(f));
    return [f, { all: members.length, universal: members.filter((u) => u.universal).length }];
  }));
  return {
    models: M, tokens: n, windows: constants.windows.data[0], threshold: params.threshold,
    universal, percent: (100 * universal) / rows, layers: layerSummaries, families, neurons,
  };
}
