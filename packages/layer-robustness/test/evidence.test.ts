import { describe, expect, it } from 'vitest';
import { evidenceMarks, stageEvidence, stageSummary, type LayerInterventionMetrics, type LayerNeuronCounts, type LogitLensLayer, type LayerLocality } from '../src/index.js';

const metrics = (layer: number, kl: number, retention: number): LayerInterventionMetrics => ({
  layer, kl, crossEntropy: 3, crossEntropyOriginal: 2, entropy: 3, entropyOriginal: 2, accuracy: retention / 2, accuracyOriginal: 0.5,
  accuracyRetention: retention, agreement: retention,
  stderr: { kl: 0, crossEntropy: 0, crossEntropyOriginal: 0, entropy: 0, entropyOriginal: 0, accuracy: 0, accuracyOriginal: 0, accuracyRetention: 0, agreement: 0 },
  tokens: 100,
});
const lensLayer = (layer: number, entropy: number): LogitLensLayer => ({
  layer, relativeDepth: layer / 4, entropy, kl: 1, finalTopRank: 1, finalTopAgreement: 0.5, crossEntropy: 3,
  stderr: { entropy: 0, kl: 0, finalTopRank: 0, finalTopAgreement: 0, crossEntropy: 0 }, tokens: 100,
});
const loc = (layer: number, total: number): LayerLocality => ({ layer, relativeDepth: layer / 4, byOffset: [total], total, perHead: [total] });
const neurons = (layer: number, prediction: number, suppression: number): LayerNeuronCounts => ({
  layer, relativeDepth: layer / 4, prediction, suppression, total: 100, predictionFraction: prediction / 100, suppressionFraction: suppression / 100,
  meanSkew: 0, meanKurtosis: 3, maxKurtosis: 20 + layer,
});

describe('stage evidence', () => {
  it('states where each planted feature of the curves is, with its numbers', () => {
    const ev = stageEvidence({
      nLayers: 5,
      sweep: { deletion: [metrics(0, 4, 0.2), metrics(1, 1, 0.8), metrics(2, 0.5, 0.9), metrics(3, 1.5, 0.7), metrics(4, 2, 0.6)], swap: [], windows: 1, tokens: 100 },
      lens: [lensLayer(0, 5), lensLayer(1, 5), lensLayer(2, 4.8), lensLayer(3, 2), lensLayer(4, 1.5)],
      locality: [loc(0, 0.2), loc(1, 0.9), loc(2, 0.3), loc(3, 0.2), loc(4, 0.1)],
      neurons: [neurons(0, 0, 0), neurons(1, 0, 0), neurons(2, 1, 0), neurons(3, 6, 1), neurons(4, 2, 9)],
    });
    const by = (stage: string) => ev.filter((e) => e.stage === stage);
    // Layer 0 deletion KL 4 vs median inner KL 1 -> 4x.
    expect(by('detokenization')[0].value).toBeCloseTo(4, 12);
    expect(by('detokenization')[1]).toMatchObject({ from: 0.25, value: 0.9 });
    expect(by('feature engineering')[0]).toMatchObject({ from: 0.25, to: 0.75 });
    expect(by('feature engineering')[0].value).toBeCloseTo(0.8, 12);
    expect(by('prediction ensembling')[0]).toMatchObject({ from: 0.75, value: 0.06 });
    expect(by('prediction ensembling')[1]).toMatchObject({ from: 0.5, to: 0.75, value: 2.8 });
    expect(by('residual sharpening')[0]).toMatchObject({ from: 1, value: 0.09 });
    expect(by('residual sharpening')[1]).toMatchObject({ from: 1, value: 2 });
    const marks = evidenceMarks(ev, ['prediction ensembling']);
    expect(marks).toEqual([{ kind: 'rule', from: 0.75, label: 'prediction ensembling' }, { kind: 'band', from: 0.5, to: 0.75, label: 'prediction ensembling' }]);
  });

  it('says so when no neuron passes the thresholds instead of naming an arbitrary layer', () => {
    const ev = stageEvidence({
      nLayers: 2,
      sweep: { deletion: [], swap: [], windows: 0, tokens: 0 },
      lens: [],
      locality: [],
      neurons: [neurons(0, 0, 0), neurons(1, 0, 0)],
    });
    expect(ev[0].evidence).toMatch(/no prediction neuron passes the kurtosis threshold in any layer \(the largest kurtosis, 21.0, is in layer 1\)/);
    expect(ev[0].value).toBe(0);
  });
});

describe('stage evidence strength and the short summary', () => {
  const metrics = (layer: number, kl: number, retention: number): LayerInterventionMetrics =>
    ({ layer, kl, klStdErr: 0, crossEntropy: 0, crossEntropyOriginal: 0, entropy: 1, entropyOriginal: 1, accuracy: retention, accuracyOriginal: 1, accuracyRetention: retention, argmaxAgreement: retention, tokens: 10 }) as unknown as LayerInterventionMetrics;
  it('grades each item by its stated rule and names one item per stage', () => {
    const deletion = [metrics(0, 6, 0.2), metrics(1, 1, 0.95), metrics(2, 1, 0.93), metrics(3, 3, 0.5)];
    const ev = stageEvidence({
      nLayers: 4,
      sweep: { deletion, swap: [], tokens: 10, windows: 1 } as never,
      lens: [],
      // Previous-token attention peaks in the last layer: late, so weak evidence for detokenization.
      locality: [0, 1, 2, 3].map((layer) => ({ layer, relativeDepth: layer / 3, total: layer === 3 ? 0.9 : 0.3, byOffset: [0.1] })) as unknown as LayerLocality[],
      neurons: [],
    });
    const by = (stage: string) => ev.filter((e) => e.stage === stage).map((e) => e.strength);
    expect(by('detokenization')).toEqual(['strong', 'weak']); // 6 / median(1, 1) = 6x; locality peak at depth 1
    expect(by('feature engineering')).toEqual(['strong']); // mean inner retention 0.94
    expect(by('residual sharpening')).toEqual(['strong']); // 3 / 1 = 3x the inner median
    const summary = stageSummary(ev, 4);
    expect(summary).toMatch(/^Stage evidence, each stage's strongest item: detokenization: strong \(deleting layer 0 gives KL 6\.0000 nats, 6\.0x/);
    expect(summary).toMatch(/prediction ensembling: no evidence measured/);
    expect(stageSummary([], 2)).toMatch(/feature engineering: not testable with 2 layers/);
  });
});
