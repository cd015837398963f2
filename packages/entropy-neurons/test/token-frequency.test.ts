import { createRng, tensor } from '@marr/core';
import { describe, expect, it } from 'vitest';
import {
  boundaryTokens, cleanRun, effectiveReadout, frequencyDirection, meanActivations, meanAblationSweep, parseCounts, scoredPositions, smoothedUnigram,
  tokenFrequencyNeuronsParams, tokenFrequencyNeuronsResults, tokenFrequencyNeuronsStudy, type TokenFrequencyNeuronsResults,
} from '../src/index.js';
import { io, logSoftmaxRow, plantedModel, randomWindows } from './helpers.js';

/** A planted frequency neuron: counts built so that the frequency direction is (w0 W) centred, and neuron 13's w_out is a large w0. */
function plantedFrequencyModel(arch: 'llama' | 'gpt2') {
  const planted = plantedModel(arch);
  const { model } = planted;
  const { dModel: d, dVocab: V, dMlp } = model.config;
  const L = model.config.nLayers - 1;
  const ro = effectiveReadout(model, L);
  const rng = createRng(77);
  const w0 = Float64Array.from({ length: d }, () => rng.normal());
  // For LayerNorm models the effective unembedding ignores the mean of w0; centre it so w_out stays as planted.
  if (arch === 'gpt2') {
    const m = w0.reduce((a, b) => a + b, 0) / d;
    for (let i = 0; i < d; i++) w0[i] -= m;
  }
  const u = new Float64Array(V);
  for (let j = 0; j < V; j++) for (let i = 0; i < d; i++) u[j] += w0[i] * ro.W.data[i * V + j];
  const un = Math.hypot(...u);
  // log q = 3 u / ||u|| + const, so the frequency direction is u / ||u|| (the +1 smoothing is negligible at 1e7 counts).
  const counts = Array.from(u, (x) => 1e7 * Math.exp((3 * x) / un));
  const Wout = model.getWeight(`blocks.${L}.mlp.W_out`).data.slice();
  let avg = 0;
  for (let n = 0; n < dMlp; n++) avg += Math.hypot(...Wout.subarray(n * d, (n + 1) * d)) / dMlp;
  const wn = Math.hypot(...w0);
  const frequencyNeuron = 13;
  for (let i = 0; i < d; i++) Wout[frequencyNeuron * d + i] = (3 * avg * w0[i]) / wn;
  model.setWeight(`blocks.${L}.mlp.W_out`, tensor([dMlp, d], Wout));
  return { ...planted, counts, frequencyNeuron };
}

describe('planted frequency neuron (token-frequency-neurons)', () => {
  for (const arch of ['llama', 'gpt2'] as const) {
    it(`${arch}: the neuron with w_out W_U along the frequency direction ranks first and acts through it`, async () => {
      const { model, counts, frequencyNeuron, directNeuron } = plantedFrequencyModel(arch);
      const windows = randomWindows(model.config.dVocab, 16, 32, 5);
      const report = await tokenFrequencyNeuronsStudy(model, windows, tokenFrequencyNeuronsParams.parse({ top: 5 }), io(), { counts, source: 'counts-file' });
      const r = tokenFrequencyNeuronsResults.parse(report.results) as TokenFrequencyNeuronsResults;
      expect(r.frequencyNeurons[0]).toBe(frequencyNeuron);
      const f = r.neurons[frequencyNeuron];
      expect(f.frequencyScore).toBeGreaterThan(0.99);
      // The rest of its effect is the final norm's scale change, which restoring one logit direction leaves in place.
      expect(f.frequencyMediatedFraction!).toBeGreaterThan(0.5);
      const others = r.neurons.filter((x) => x.neuron !== frequencyNeuron).map((x) => x.frequencyMediatedFraction ?? 0);
      expect(f.frequencyMediatedFraction!).toBeGreaterThan(Math.max(...others) + 0.3);
      expect(Math.abs(r.neurons[directNeuron].frequencyScore)).toBeLessThan(0.5);
      expect(r.unigram.source).toBe('counts-file');
      expect(report.summary).toContain(`${r.layer}.${frequencyNeuron} (cos`);
    });
  }
});

describe('frequency-direction ablation against a hook-by-hook re-run', () => {
  it('total and direct |dLoss| and the KL(unigram || model) changes match', async () => {
    const { model, counts, frequencyNeuron } = plantedFrequencyModel('llama');
    const { dVocab: V, dMlp, nLayers } = model.config;
    const L = nLayers - 1;
    const windows = randomWindows(V, 5, 20, 9);
    const T = 20;
    const q = smoothedUnigram(counts);
    const f = frequencyDirection(q);
    const run = await cleanRun(model, windows, L, { batchSize: 8 });
    const mean = meanActivations(run, dMlp);
    const scored = scoredPositions(windows, boundaryTokens(model));
    const neurons = [frequencyNeuron, 2, 40];
    const sweep = await meanAblationSweep(effectiveReadout(model, L), run, mean, scored, { direct: { kind: 'frozen-projection', f, q }, neurons });
    const clean = await model.run(windows);
    const klOf = (logp: Float64Array) => {
      let k = 0;
      for (let i = 0; i < V; i++) k += q[i] * (Math.log(q[i]) - logp[i]);
      return k;
    };
    for (const [i, n] of neurons.entries()) {
      const abl = await model.run(windows, { hooks: [{ name: `blocks.${L}.mlp.hook_post`, edit: (t) => { for (let p = 0; p < t.data.length / dMlp; p++) t.data[p * dMlp + n] = mean[n]; } }] });
      let absT = 0, absD = 0, dK = 0, dKD = 0;
      for (const flat of scored) {
        const target = windows[Math.floor(flat / T)][(flat % T) + 1];
        const c = clean.logits!.data.subarray(flat * V, (flat + 1) * V), a = abl.logits!.data.subarray(flat * V, (flat + 1) * V);
        let pc = 0, pa = 0;
        for (let j = 0; j < V; j++) {
          pc += c[j] * f[j];
          pa += a[j] * f[j];
        }
        const d = Float32Array.from(a, (x, j) => x + (pc - pa) * f[j]);
        const lc = logSoftmaxRow(c, 0, V), la = logSoftmaxRow(a, 0, V), ld = logSoftmaxRow(d, 0, V);
        absT += Math.abs(la[target] - lc[target]);
        absD += Math.abs(ld[target] - lc[target]);
        dK += klOf(la) - klOf(lc);
        dKD += klOf(ld) - klOf(lc);
      }
      const S = scored.length;
      const got = sweep.neurons[i];
      expect(got.totalEffect).toBeCloseTo(absT / S, 4);
      expect(got.directEffect).toBeCloseTo(absD / S, 4);
      expect(got.klChange!).toBeCloseTo(dK / S, 4);
      expect(got.directKlChange!).toBeCloseTo(dKD / S, 4);
    }
    expect(sweep.cleanKl!).toBeGreaterThan(0);
  });
});

describe('the unigram counts file', () => {
  it('reads a JSON array or one count per line, and names a bad entry', () => {
    expect(Array.from(parseCounts('[1, 2, 0]', 'c.json'))).toEqual([1, 2, 0]);
    expect(Array.from(parseCounts('4\n5\n', 'c.txt'))).toEqual([4, 5]);
    expect(() => parseCounts('4\n-1\n', 'c.txt')).toThrow(/c\.txt: entry 2 \(token id 1\) is "-1", not a non-negative count/);
    expect(() => parseCounts('[1, "x"]', 'c.json')).toThrow(/entry 2/);
  });

  it('a file with the wrong number of counts is refused naming both sizes', async () => {
    const { model } = plantedModel('llama');
    const windows = randomWindows(model.config.dVocab, 2, 12, 1);
    await expect(tokenFrequencyNeuronsStudy(model, windows, tokenFrequencyNeuronsParams.parse({}), io(), { counts: [1, 2, 3], source: 'counts-file' })).rejects.toThrow(
      /3 entries but the model's vocabulary has 160/,
    );
  });
});
