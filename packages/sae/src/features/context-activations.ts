/**
 * A latent's activation at every token of some contexts (for the coloured top-context view): the
 * windows those contexts come from are run once more through the model and encoded by the SAE.
 */
import { batches, type HookedTransformer } from '@marr/core';
import type { Sae } from '../sae.js';

export interface ContextRequest {
  latent: number;
  window: number;
  /** Token positions from..to-1 of the window. */
  from: number;
  to: number;
}

/** For each request, the latent's activation at each of its positions. */
export async function contextActivations(
  model: HookedTransformer,
  sae: Sae,
  windows: readonly number[][],
  requests: readonly ContextRequest[],
  options: { batchWindows: number; signal?: AbortSignal },
): Promise<number[][]> {
  const hook = sae.cfg.hookName!;
  const { dIn, dSae } = sae.cfg;
  const needed = [...new Set(requests.map((r) => r.window))].sort((a, b) => a - b);
  const codes = new Map<number, Float32Array>();
  for await (const { items } of batches(needed, { size: options.batchWindows, signal: options.signal })) {
    const run = await model.run(items.map((w) => windows[w]), { cache: [hook], returnLogits: false });
    const x = run.cache.get(hook);
    const rows = x.data.length / dIn;
    const z = await sae.encode({ dtype: 'float32', shape: [rows, dIn], data: x.data });
    const T = rows / items.length;
    items.forEach((w, i) => codes.set(w, z.data.subarray(i * T * dSae, (i + 1) * T * dSae)));
  }
  return requests.map((r) => {
    const z = codes.get(r.window)!;
    const out: number[] = [];
    for (let p = r.from; p < r.to; p++) out.push(z[p * dSae + r.latent]);
    return out;
  });
}
