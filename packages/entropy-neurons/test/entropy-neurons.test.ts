import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { denseMatrix, manifestProblems, symmetricEig, type HookedTransformer } from '@marr/core';
import { describe, expect, it } from 'vitest';
import plugin, {
  boundaryTokens, cleanRun, effectiveReadout, entropyNeuronsParams, entropyNeuronsResults, entropyNeuronsStudy, meanActivations, meanAblationSweep,
  neuronGeometry, scoredPositions, type EntropyNeuronsResults,
} from '../src/index.js';
import { argmaxOf, entropyOf, io, logSoftmaxRow, plantedModel, randomWindows } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('the plugin', () => {
  it('has a package.json manifest that matches the module', () => {
    const pkg = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8'));
    expect(manifestProblems(pkg, plugin)).toEqual([]);
  });
});

describe('the effective unembedding', () => {
  for (const arch of ['llama', 'gpt2'] as const) {
    it(`${arch}: (r / s) W + b gives the model's own log-probabilities`, async () => {
      const { model } = plantedModel(arch);
      const tokens = randomWindows(model.config.dVocab, 2, 12, 3);
      const L = model.config.nLayers - 1;
      const { logits, cache } = await model.runWithCache(tokens, { cache: [`blocks.${L}.hook_resid_post`, 'ln_final.hook_scale'] });
      const ro = effectiveReadout(model, L);
      const r = cache.get(`blocks.${L}.hook_resid_post`).data, s = cache.get('ln_final.hook_scale').data;
      const { dModel: d, dVocab: V } = model.config;
      let worst = 0;
      for (let p = 0; p < 24; p++) {
        const mine = new Float32Array(V);
        for (let j = 0; j < V; j++) {
          let x = 0;
          for (let i = 0; i < d; i++) x += r[p * d + i] * ro.W.data[i * V + j];
          mine[j] = x / s[p] + ro.b[j];
        }
        const a = logSoftmaxRow(mine, 0, V), b = logSoftmaxRow(logits!.data, p * V, V);
        for (let j = 0; j < V; j++) worst = Math.max(worst, Math.abs(a[j] - b[j]));
      }
      expect(worst).toBeLessThan(2e-4);
    });
  }
});

describe('null-space fraction', () => {
  it('equals the fraction computed from the eigenvectors of W W^T (an SVD done another way)', async () => {
    const { model, k } = plantedModel('llama');
    const ro = effectiveReadout(model, 1);
    const g = await neuronGeometry(ro.wOut, ro.W, k + 1);
    const { dModel: d, dVocab: V } = model.config;
    const G = denseMatrix(d, d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j <= i; j++) {
        let x = 0;
        for (let v = 0; v < V; v++) x += ro.W.data[i * V + v] * ro.W.data[j * V + v];
        G.data[i * d + j] = x;
        G.data[j * d + i] = x;
      }
    const eig = symmetricEig(G);
    // Eigenvalues descending: the bottom k + 1 eigenvectors are the last columns.
    for (let i = 0; i < d; i++) expect(Math.sqrt(Math.max(0, eig.values[i]))).toBeCloseTo(g.singularValues[i], 3);
    for (let n = 0; n < ro.dMlp; n++) {
      let ww = 0, pp = 0;
      for (let i = 0; i < d; i++) ww += ro.wOut.data[n * d + i] ** 2;
      for (let c = d - (k + 1); c < d; c++) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += eig.vectors.data[i * d + c] * ro.wOut.data[n * d + i];
        pp += dot * dot;
      }
      expect(g.nullSpaceFraction[n]).toBeCloseTo(Math.sqrt(pp / ww), 4);
    }
    // The Gram route used for large vocabularies agrees with the SVD route.
    const viaGram = await neuronGeometry(ro.wOut, ro.W, k + 1, 'gram');
    for (let n = 0; n < ro.dMlp; n++) expect(viaGram.nullSpaceFraction[n]).toBeCloseTo(g.nullSpaceFraction[n], 3);
  });
});

/** Mean |dLoss|, mean dEntropy and the argmax-change rate of one neuron by a hook-by-hook re-run. */
async function rerunNeuron(model: HookedTransformer, windows: number[][], neuron: number, mean: number, frozen: boolean, scored: Int32Array) {
  const L = model.config.nLayers - 1, V = model.config.dVocab, T = windows[0].length;
  const clean = await model.runWithCache(windows, { cache: ['ln_final.hook_scale'] });
  const scale = clean.cache.get('ln_final.hook_scale');
  const ablated = await model.run(windows, {
    hooks: [
      { name: `blocks.${L}.mlp.hook_post`, edit: (t) => { for (let p = 0; p < t.data.length / model.config.dMlp; p++) t.data[p * model.config.dMlp + neuron] = mean; } },
      ...(frozen ? [{ name: 'ln_final.hook_scale', edit: (t: { data: Float32Array }) => { t.data.set(scale.data); } }] : []),
    ],
  });
  let absL = 0, dH = 0, arg = 0;
  for (const flat of scored) {
    const target = windows[Math.floor(flat / T)][(flat % T) + 1];
    const a = logSoftmaxRow(clean.logits!.data, flat * V, V), b = logSoftmaxRow(ablated.logits!.data, flat * V, V);
    absL += Math.abs(-b[target] + a[target]);
    dH += entropyOf(b) - entropyOf(a);
    if (argmaxOf(a) !== argmaxOf(b)) arg++;
  }
  return { absL: absL / scored.length, dH: dH / scored.length, arg: arg / scored.length };
}

describe('mean ablation', () => {
  for (const arch of ['llama', 'gpt2'] as const) {
    it(`${arch}: total and direct effects equal a hand-written hook-by-hook re-run`, async () => {
      const { model, entropyNeuron, directNeuron } = plantedModel(arch);
      const windows = randomWindows(model.config.dVocab, 6, 24, 11);
      const L = model.config.nLayers - 1;
      const run = await cleanRun(model, windows, L, { batchSize: 4 });
      const mean = meanActivations(run, model.config.dMlp);
      const scored = scoredPositions(windows, boundaryTokens(model));
      expect(scored.length).toBe(6 * (24 - 4));
      const neurons = [entropyNeuron, directNeuron, 0, 33];
      const sweep = await meanAblationSweep(effectiveReadout(model, L), run, mean, scored, { direct: { kind: 'frozen-scale' }, neurons });
      for (const [i, n] of neurons.entries()) {
        const total = await rerunNeuron(model, windows, n, mean[n], false, scored);
        const direct = await rerunNeuron(model, windows, n, mean[n], true, scored);
        const got = sweep.neurons[i];
        expect(got.totalEffect).toBeCloseTo(total.absL, 4);
        expect(got.directEffect).toBeCloseTo(direct.absL, 4);
        expect(got.entropyChange).toBeCloseTo(total.dH, 4);
        expect(got.directEntropyChange).toBeCloseTo(direct.dH, 4);
        expect(got.argmaxChangeFraction).toBeCloseTo(total.arg, 6);
      }
    });
  }
});

describe('planted entropy neuron (entropy-neurons)', () => {
  for (const arch of ['llama', 'gpt2'] as const) {
    it(`${arch}: the neuron inside the dark subspace ranks first and acts through the norm; the W_U-column neuron ranks low and acts directly`, async () => {
      const { model, entropyNeuron, directNeuron, k } = plantedModel(arch);
      const windows = randomWindows(model.config.dVocab, 16, 32, 5);
      // LayerNorm: the all-ones direction is one of the bottom singular directions too.
      const nullSpaceK = arch === 'llama' ? k : k + 1;
      const report = await entropyNeuronsStudy(model, windows, entropyNeuronsParams.parse({ nullSpaceK, top: 5 }), io());
      const r = entropyNeuronsResults.parse(report.results) as EntropyNeuronsResults;
      expect(r.entropyNeurons[0]).toBe(entropyNeuron);
      const e = r.neurons[entropyNeuron], dn = r.neurons[directNeuron];
      expect(e.nullSpaceFraction).toBeGreaterThan(0.99);
      expect(e.normMediatedFraction!).toBeGreaterThan(0.8);
      expect(dn.nullSpaceFraction).toBeLessThan(0.2);
      expect(r.entropyNeurons).not.toContain(directNeuron);
      expect(dn.normMediatedFraction!).toBeLessThan(0.3);
      // High norm, low LogitVar: the planted neuron has the lowest LogitVar among the large ones.
      expect(e.logitVar).toBeLessThan(dn.logitVar);
      expect(r.singularValues).toHaveLength(model.config.dModel);
      expect(report.summary).toContain(`${r.layer}.${entropyNeuron} (null-space fraction`);
    });
  }
});

describe('ablating a subset (--param ablate)', () => {
  it('ablates the top neurons and as many seeded random ones, with the same numbers as the full sweep', async () => {
    const { model, entropyNeuron } = plantedModel('llama');
    const windows = randomWindows(model.config.dVocab, 8, 24, 5);
    const full = (await entropyNeuronsStudy(model, windows, entropyNeuronsParams.parse({ nullSpaceK: 2 }), io())).results as unknown as EntropyNeuronsResults;
    const part = entropyNeuronsResults.parse((await entropyNeuronsStudy(model, windows, entropyNeuronsParams.parse({ nullSpaceK: 2, ablate: 3 }), io(), 7)).results) as EntropyNeuronsResults;
    const ablated = part.neurons.filter((n) => n.ablated);
    expect(part.ablated).toBe(6);
    expect(ablated).toHaveLength(6);
    for (const j of part.entropyNeurons.slice(0, 3)) expect(part.neurons[j].ablated).toBe(true);
    expect(part.neurons[entropyNeuron].ablated).toBe(true);
    for (const n of ablated) {
      expect(n.totalEffect).toBeCloseTo(full.neurons[n.neuron].totalEffect!, 10);
      expect(n.normMediatedFraction).toBeCloseTo(full.neurons[n.neuron].normMediatedFraction!, 10);
    }
    for (const n of part.neurons.filter((x) => !x.ablated)) expect([n.totalEffect, n.directEffect, n.entropyChange]).toEqual([null, null, null]);
    // The random ones come from the seed.
    const again = (await entropyNeuronsStudy(model, windows, entropyNeuronsParams.parse({ nullSpaceK: 2, ablate: 3 }), io(), 7)).results as unknown as EntropyNeuronsResults;
    expect(again.neurons.map((n) => n.ablated)).toEqual(part.neurons.map((n) => n.ablated));
    expect(full.ablated).toBe(model.config.dMlp);
  });
});

describe('a layer other than the last', () => {
  it('adds (mean - a) w_out to the final residual: equal to a re-run that edits blocks.L.hook_resid_post so', async () => {
    const { model } = plantedModel('gpt2');
    const windows = randomWindows(model.config.dVocab, 4, 16, 2);
    const { dModel: d, dMlp, dVocab: V, nLayers } = model.config;
    const T = 16;
    const run = await cleanRun(model, windows, 0, { batchSize: 4 });
    const mean = meanActivations(run, dMlp);
    const scored = scoredPositions(windows, boundaryTokens(model));
    const sweep = await meanAblationSweep(effectiveReadout(model, 0), run, mean, scored, { direct: { kind: 'frozen-scale' }, neurons: [3, 17] });
    const Wout = model.getWeight('blocks.0.mlp.W_out').data;
    const clean = await model.run(windows);
    for (const [i, j] of [3, 17].entries()) {
      const edited = await model.run(windows, {
        hooks: [{
          name: `blocks.${nLayers - 1}.hook_resid_post`,
          edit: (t) => {
            for (let p = 0; p < windows.length * T; p++) {
              const delta = mean[j] - run.acts[p * dMlp + j];
              for (let c = 0; c < d; c++) t.data[p * d + c] += delta * Wout[j * d + c];
            }
          },
        }],
      });
      let abs = 0;
      for (const flat of scored) {
        const target = windows[Math.floor(flat / T)][(flat % T) + 1];
        abs += Math.abs(logSoftmaxRow(edited.logits!.data, flat * V, V)[target] - logSoftmaxRow(clean.logits!.data, flat * V, V)[target]);
      }
      expect(sweep.neurons[i].totalEffect).toBeCloseTo(abs / scored.length, 4);
    }
    const report = await entropyNeuronsStudy(model, windows, entropyNeuronsParams.parse({ layer: 0, nullSpaceK: 3 }), io());
    expect((report.results as unknown as EntropyNeuronsResults).layer).toBe(0);
  });
});
