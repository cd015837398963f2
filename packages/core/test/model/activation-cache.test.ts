import { describe, expect, it } from 'vitest';
import { ActivationCache, randomModel, type Architecture, type Float32Tensor, type HookedTransformer } from '../../src/index.js';

const small = (architecture: Architecture) => ({ architecture, nLayers: 3, dModel: 32, nHeads: 4, dMlp: 48, dVocab: 40, nCtx: 64 });
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** A run with everything cached; its cache is an ActivationCache. */
async function cached(model: HookedTransformer, tokens: number[][]) {
  const r = await model.runWithCache(tokens);
  return { run: r, cache: r.cache };
}

/** Sum over the component axis of a [C, B, T, d] stack, plus an optional [d] bias. */
function sumComponents(stack: Float32Tensor, bias: Float32Tensor | null = null): Float32Array {
  const [C, B, T, d] = stack.shape;
  const n = B * T * d;
  const out = new Float32Array(n);
  for (let c = 0; c < C; c++) for (let i = 0; i < n; i++) out[i] += stack.data[c * n + i];
  if (bias) for (let i = 0; i < n; i++) out[i] += bias.data[i % d];
  return out;
}

/** x W_U + b_U, written out. */
function unembedByHand(model: HookedTransformer, x: Float32Array): Float32Array {
  const { dModel: d, dVocab: V } = model.config;
  const WU = model.getWeight('unembed.W_U');
  const bU = model.weights.get('unembed.b_U');
  const rows = x.length / d;
  const out = new Float32Array(rows * V);
  for (let r = 0; r < rows; r++)
    for (let v = 0; v < V; v++) {
      let acc = bU ? bU.data[v] : 0;
      for (let j = 0; j < d; j++) acc += x[r * d + j] * WU.data[j * V + v];
      out[r * V + v] = acc;
    }
  return out;
}

describe.each(['gpt2', 'gpt-neox', 'llama'] as Architecture[])('ActivationCache (%s)', (arch) => {
  const model = randomModel({ ...small(arch), unembedBias: true }, { seed: 5, std: 0.3 });
  const tokens = [[3, 9, 1, 22, 7, 7, 30], [1, 2, 3, 4, 5, 6, 7]];

  it('decomposeResid: the components sum to the last resid_post, and to resid_pre of an earlier slot', async () => {
    const { cache } = await cached(model, tokens);
    const all = cache.decomposeResid();
    const expectedLabels = ['embed', ...(arch === 'gpt2' ? ['pos_embed'] : []), '0_attn_out', '0_mlp_out', '1_attn_out', '1_mlp_out', '2_attn_out', '2_mlp_out'];
    expect(all.labels).toEqual(expectedLabels);
    expect(maxAbs(sumComponents(all.stack), cache.get('blocks.2.hook_resid_post').data)).toBeLessThan(1e-4);
    const upTo2 = cache.decomposeResid({ layer: 2 });
    expect(maxAbs(sumComponents(upTo2.stack), cache.get('blocks.2.hook_resid_pre').data)).toBeLessThan(1e-4);
  });

  it('applyLnToStack with the frozen final scale: the components, summed with the norm bias and unembedded, give the logits', async () => {
    const { run, cache } = await cached(model, tokens);
    const normed = cache.applyLnToStack(cache.decomposeResid());
    expect(normed.bias === null).toBe(arch === 'llama');
    const logits = unembedByHand(model, sumComponents(normed.stack, normed.bias));
    expect(maxAbs(logits, run.logits!.data)).toBeLessThan(1e-3);
  });

  it('accumulatedResid: labels and values as TransformerLens; the final component with a recomputed scale is the final norm output', async () => {
    const { cache } = await cached(model, tokens);
    const acc = cache.accumulatedResid({ incl_mid: arch !== 'gpt-neox' });
    const labels = arch === 'gpt-neox' ? ['0_pre', '1_pre', '2_pre', 'final_post'] : ['0_pre', '0_mid', '1_pre', '1_mid', '2_pre', '2_mid', 'final_post'];
    expect(acc.labels).toEqual(labels);
    const n = 2 * 7 * 32;
    expect(maxAbs(acc.stack.data.subarray(n, 2 * n), cache.get(arch === 'gpt-neox' ? 'blocks.1.hook_resid_pre' : 'blocks.0.hook_resid_mid').data)).toBe(0);
    const lens = cache.accumulatedResid({ applyLn: true, frozenScale: false });
    const C = lens.stack.shape[0];
    const last = lens.stack.data.slice((C - 1) * n, C * n);
    if (lens.bias) for (let i = 0; i < n; i++) last[i] += lens.bias.data[i % 32];
    expect(maxAbs(last, cache.get('ln_final.hook_normalized').data)).toBeLessThan(1e-4);
    if (arch === 'gpt-neox') expect(() => cache.accumulatedResid({ incl_mid: true })).toThrow(/parallel/);
  });

  it('stackHeadResults: per-head results built by hand from hook_z and W_O sum (with b_O) to hook_attn_out; computeHeadResults gives the same', async () => {
    const { cache } = await cached(model, tokens);
    expect(() => cache.stackHeadResults()).toThrow(/blocks\.0\.attn\.hook_result.*opt-in/);
    const { nHeads: H, dHead: D, dModel: d, nLayers: L } = model.config;
    const byHand = new Map<string, Float32Tensor>();
    for (const n of cache.names()) byHand.set(n, cache.get(n));
    for (let l = 0; l < L; l++) {
      const z = cache.get(`blocks.${l}.attn.hook_z`);
      const WO = model.getWeight(`blocks.${l}.attn.W_O`);
      const res = new Float32Array(2 * 7 * H * d);
      for (let b = 0; b < 2; b++)
        for (let p = 0; p < 7; p++)
          for (let h = 0; h < H; h++)
            for (let j = 0; j < d; j++) {
              let acc = 0;
              for (let k = 0; k < D; k++) acc += z.data[((b * 7 + p) * H + h) * D + k] * WO.data[(h * D + k) * d + j];
              res[((b * 7 + p) * H + h) * d + j] = acc;
            }
      byHand.set(`blocks.${l}.attn.hook_result`, { dtype: 'float32', shape: [2, 7, H, d], data: res });
    }
    const handCache = new ActivationCache(byHand, model);
    const heads = handCache.stackHeadResults();
    expect(heads.labels.slice(0, 5)).toEqual(['L0H0', 'L0H1', 'L0H2', 'L0H3', 'L1H0']);
    expect(heads.stack.shape).toEqual([L * H, 2, 7, d]);
    const n = 2 * 7 * d;
    for (let l = 0; l < L; l++) {
      const sum = new Float32Array(n);
      for (let h = 0; h < H; h++) for (let i = 0; i < n; i++) sum[i] += heads.stack.data[(l * H + h) * n + i];
      const bO = model.weights.get(`blocks.${l}.attn.b_O`);
      if (bO) for (let i = 0; i < n; i++) sum[i] += bO.data[i % d];
      expect(maxAbs(sum, cache.get(`blocks.${l}.hook_attn_out`).data)).toBeLessThan(1e-4);
    }
    cache.computeHeadResults();
    expect(maxAbs(cache.stackHeadResults(2).stack.data, handCache.stackHeadResults(2).stack.data)).toBeLessThan(1e-5);
    // The opt-in hook point gives the same per-head results.
    const withResult = (await model.runWithCache(tokens, { optIn: ['attnResult'] })).cache;
    expect(maxAbs(withResult.stackHeadResults().stack.data, heads.stack.data)).toBeLessThan(1e-4);
    // Under a schedule that repeats and swaps blocks, the run's cache maps each slot to the block that ran
    // there: results computed from hook_z equal the model's own hook_result.
    const schedule = [0, 2, 2, 1];
    const scheduled = (await model.runWithCache(tokens, { schedule, optIn: ['attnResult'] })).cache;
    const fromZ = (await model.runWithCache(tokens, { schedule })).cache;
    fromZ.computeHeadResults();
    expect(maxAbs(fromZ.stackHeadResults().stack.data, scheduled.stackHeadResults().stack.data)).toBeLessThan(1e-4);
  });

  it('logitAttribution: per-component attributions of the normed stack add up to each logit and to a logit difference', async () => {
    const { run, cache } = await cached(model, tokens);
    const normed = cache.applyLnToStack(cache.decomposeResid());
    const V = model.config.dVocab;
    const WU = model.getWeight('unembed.W_U');
    const bU = model.getWeight('unembed.b_U');
    const constant = (t: number) => {
      let acc = bU.data[t];
      if (normed.bias) for (let j = 0; j < 32; j++) acc += normed.bias.data[j] * WU.data[j * V + t];
      return acc;
    };
    const answer = [5, 11], wrong = [17, 2];
    const attr = cache.logitAttribution(normed, answer);
    const diff = cache.logitAttribution(normed, answer, wrong);
    const C = normed.labels.length;
    expect(attr.shape).toEqual([C, 2, 7]);
    for (let b = 0; b < 2; b++)
      for (let p = 0; p < 7; p++) {
        let s = 0, sd = 0;
        for (let c = 0; c < C; c++) {
          s += attr.data[(c * 2 + b) * 7 + p];
          sd += diff.data[(c * 2 + b) * 7 + p];
        }
        const lg = (t: number) => run.logits!.data[(b * 7 + p) * V + t];
        expect(Math.abs(s + constant(answer[b]) - lg(answer[b]))).toBeLessThan(1e-3);
        expect(Math.abs(sd + constant(answer[b]) - constant(wrong[b]) - (lg(answer[b]) - lg(wrong[b])))).toBeLessThan(1e-3);
      }
    expect(() => cache.logitAttribution(normed, 99)).toThrow(/not a token id/);
  });

  it('get suggests the nearest cached name; a missing scale is named', async () => {
    const { cache } = await cached(model, tokens);
    expect(() => cache.get('blocks.1.hook_resid_psot')).toThrow(/did you mean "blocks.1.hook_resid_post"/);
    const partial = new ActivationCache(new Map([['hook_embed', cache.get('hook_embed')]]), model);
    expect(() => partial.accumulatedResid({ layer: 0 })).toThrow(/needs blocks\.0\.hook_resid_pre in the cache/);
    expect(() => partial.applyLnToStack(cache.decomposeResid())).toThrow(/needs ln_final\.hook_scale in the cache/);
    expect(() => cache.accumulatedResid({ layer: 9 })).toThrow(/layer must be an integer in \[0, 3\]/);
  });
});
