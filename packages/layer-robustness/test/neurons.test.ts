import { createRng, tensor, type Float32Tensor } from '@marr/core';
import { describe, expect, it } from 'vitest';
import { cosineMoments, countNeurons, effectiveUnembed, moments, predictionNeurons } from '../src/index.js';
import { model } from './helpers.js';

function randomMatrix(rows: number, cols: number, seed: number): Float32Tensor {
  const rng = createRng(seed);
  return tensor([rows, cols], Array.from({ length: rows * cols }, () => rng.normal()));
}

describe('prediction and suppression neurons', () => {
  it('cosine moments equal a direct computation of every cosine', async () => {
    const wOut = randomMatrix(7, 5, 1), wU = randomMatrix(5, 30, 2);
    const got = await cosineMoments(wOut, wU, 3);
    for (let i = 0; i < 7; i++) {
      const cos: number[] = [];
      for (let v = 0; v < 30; v++) {
        let dot = 0, a = 0, b = 0;
        for (let j = 0; j < 5; j++) {
          dot += wOut.data[i * 5 + j] * wU.data[j * 30 + v];
          a += wOut.data[i * 5 + j] ** 2;
          b += wU.data[j * 30 + v] ** 2;
        }
        cos.push(dot / Math.sqrt(a * b));
      }
      const m = moments(cos);
      expect(got.mean[i]).toBeCloseTo(m.mean, 5);
      expect(got.skew[i]).toBeCloseTo(m.skew, 3);
      expect(got.kurtosis[i]).toBeCloseTo(m.kurtosis, 3);
    }
  });

  it('finds planted prediction and suppression neurons and nothing else', async () => {
    // A wide residual stream keeps the other tokens' cosines small (sd ~ 1/sqrt(128)), so one planted
    // direction is a clear outlier over the 64-token vocabulary.
    const m = model('llama', 6, 3, 0.3, 'reference', { dModel: 128, dVocab: 64, nHeads: 4 });
    const V = m.config.dVocab, d = m.config.dModel;
    const wU = m.getWeight('unembed.W_U');
    const column = (v: number, sign: number) => Array.from({ length: d }, (_, i) => sign * wU.data[i * V + v]);
    const wOut = m.getWeight('blocks.1.mlp.W_out');
    const planted = wOut.data.slice();
    planted.set(column(5, 1), 0 * d); // neuron 0 writes token 5's unembedding direction: promotes it
    planted.set(column(7, -1), 3 * d); // neuron 3 writes minus token 7's: suppresses it
    m.setWeight('blocks.1.mlp.W_out', tensor(wOut.shape, planted));
    const { layers, moments: all } = await predictionNeurons(m, { processing: 'raw' });
    expect(all[1].kurtosis[0]).toBeGreaterThan(10);
    expect(all[1].skew[0]).toBeGreaterThan(0);
    expect(all[1].kurtosis[3]).toBeGreaterThan(10);
    expect(all[1].skew[3]).toBeLessThan(0);
    expect(layers.map((l) => [l.prediction, l.suppression])).toEqual([[0, 0], [1, 1], [0, 0]]);
    expect(layers[1].predictionFraction).toBeCloseTo(1 / m.config.dMlp, 12);
    expect(layers.map((l) => l.relativeDepth)).toEqual([0, 0.5, 1]);
    // Thresholds are parameters: with kurtosis > 1000 nothing qualifies.
    expect(countNeurons(all[1], { kurtosis: 1000 })).toEqual({ prediction: 0, suppression: 0, total: m.config.dMlp });
  });

  it('TransformerLens processing folds the final norm scale into W_U and centres it over the vocabulary', () => {
    const m = model('gpt2', 2, 2);
    const raw = m.getWeight('unembed.W_U'), eff = effectiveUnembed(m, 'transformer-lens');
    const [d, V] = raw.shape;
    const w = m.getWeight('ln_final.w').data;
    for (const i of [0, 5, d - 1]) {
      let mean = 0;
      for (let v = 0; v < V; v++) mean += eff.data[i * V + v] / V;
      expect(Math.abs(mean)).toBeLessThan(1e-6);
      expect(eff.data[i * V + 3] - eff.data[i * V + 1]).toBeCloseTo(w[i] * (raw.data[i * V + 3] - raw.data[i * V + 1]), 5);
    }
  });
});
