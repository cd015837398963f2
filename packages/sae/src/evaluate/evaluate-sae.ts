/**
 * How well an SAE stands in for its hook, on token windows of a text:
 * - reconstruction: MSE per element, fraction of variance explained FVE = 1 − Σ‖x − x̂‖² / Σ‖x − x̄‖²,
 *   mean L0 (active latents per token), firing frequency of every latent (dead: never fires; dense:
 *   fires on more than `denseThreshold` of tokens);
 * - the language model's next-token cross-entropy clean, with the SAE spliced in (no error term) and
 *   with the hook zero-ablated; loss recovered = (CE_zero − CE_sae) / (CE_zero − CE_clean).
 */
import { batches, type HookedTransformer, type Progress } from '@marr/core';
import { withSaes } from '../splice/with-saes.js';
import type { Sae } from '../sae.js';
import { crossEntropySum } from './cross-entropy.js';

export interface SaeEvaluation {
  tokens: number;
  mse: number;
  fve: number;
  l0: number;
  /** Fraction of evaluated tokens each latent fires on. */
  frequency: number[];
  deadLatents: number;
  denseLatents: number;
  ceClean: number;
  ceSae: number;
  ceZeroAblated: number;
  lossRecovered: number;
}

export interface EvaluateOptions {
  batchWindows: number;
  /** Leave out position 0 from the reconstruction statistics when it is BOS (default true). */
  excludeBos?: boolean;
  denseThreshold?: number;
  signal?: AbortSignal;
  progress?: Progress;
}

export async function evaluateSae(model: HookedTransformer, sae: Sae, windows: readonly number[][], options: EvaluateOptions): Promise<SaeEvaluation> {
  const hook = sae.cfg.hookName!;
  const { dIn, dSae } = sae.cfg;
  const spliced = withSaes(model, [sae]);
  const bos = model.tokenizer?.bosTokenId ?? null;
  const excludeBos = options.excludeBos ?? true;
  let sse = 0, l0Sum = 0, n = 0;
  const sumX = new Float64Array(dIn), sumX2 = new Float64Array(dIn);
  const fires = new Float64Array(dSae);
  const ce = { clean: 0, sae: 0, zero: 0, count: 0 };
  for await (const { items: batch } of batches(windows, { size: options.batchWindows, signal: options.signal, progress: options.progress, label: 'sae-evaluate' })) {
    const T = batch[0].length;
    const clean = await model.run(batch, { cache: [hook] });
    const x = clean.cache.get(hook);
    const rows = x.data.length / dIn;
    const flat = { dtype: 'float32' as const, shape: [rows, dIn], data: x.data };
    const z = await sae.encode(flat);
    const y = await sae.decode(z, { input: flat });
    for (let r = 0; r < rows; r++) {
      if (excludeBos && bos !== null && r % T === 0 && batch[Math.floor(r / T)][0] === bos) continue;
      n++;
      for (let j = 0; j < dIn; j++) {
        const v = x.data[r * dIn + j];
        const d = v - y.data[r * dIn + j];
        sse += d * d;
        sumX[j] += v;
        sumX2[j] += v * v;
      }
      for (let j = 0; j < dSae; j++) if (z.data[r * dSae + j] > 0) { fires[j]++; l0Sum++; }
    }
    const withSae = await spliced.run(batch);
    const zeroed = await model.run(batch, { hooks: [{ name: hook, edit: (t) => { t.data.fill(0); } }] });
    const c0 = crossEntropySum(clean.logits!, batch);
    ce.clean += c0.sum;
    ce.sae += crossEntropySum(withSae.logits!, batch).sum;
    ce.zero += crossEntropySum(zeroed.logits!, batch).sum;
    ce.count += c0.count;
  }
  let tss = 0;
  for (let j = 0; j < dIn; j++) tss += sumX2[j] - (sumX[j] * sumX[j]) / n;
  const frequency = Array.from(fires, (f) => f / n);
  const dense = options.denseThreshold ?? 0.1;
  const ceClean = ce.clean / ce.count, ceSae = ce.sae / ce.count, ceZero = ce.zero / ce.count;
  return {
    tokens: n,
    mse: sse / (n * dIn),
    fve: tss > 0 ? 1 - sse / tss : 0,
    l0: l0Sum / n,
    frequency,
    deadLatents: frequency.filter((f) => f === 0).length,
    denseLatents: frequency.filter((f) => f > dense).length,
    ceClean,
    ceSae,
    ceZeroAblated: ceZero,
    lossRecovered: ceZero !== ceClean ? (ceZero - ceSae) / (ceZero - ceClean) : NaN,
  };
}
