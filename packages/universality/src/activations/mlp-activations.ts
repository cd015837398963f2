/**
 * MLP neuron activations (`blocks.{l}.mlp.hook_post`) of a batch of token windows, at the positions the
 * method keeps: every position whose token is not BOS, EOS/padding or a newline (authors' code:
 * correlations_fast.py drops pad/BOS and "\n"). All models see the same windows, so the kept positions
 * are the same rows for every model.
 */
import type { HookedTransformer, Tokenizer } from '@marr/core';

export const mlpHook = (layer: number) => `blocks.${layer}.mlp.hook_post`;

/** Token ids the method drops: BOS, EOS (GPT-2's padding) and every token that decodes to exactly "\n". */
export function excludedTokens(tokenizer: Tokenizer | null): Set<number> {
  const out = new Set<number>();
  if (!tokenizer) return out;
  if (tokenizer.bosTokenId !== null) out.add(tokenizer.bosTokenId);
  if (tokenizer.eosTokenId !== null) out.add(tokenizer.eosTokenId);
  for (let id = 0; id < tokenizer.vocabSize; id++) {
    let text: string;
    try {
      text = tokenizer.decode([id]);
    } catch {
      continue;
    }
    if (text === '\n') out.add(id);
  }
  return out;
}

/** The kept positions of a batch, as [window, position] in row order, with each row's token, previous token and position. */
export interface KeptPositions {
  window: Int32Array;
  position: Int32Array;
  token: Int32Array;
  /** The token before (-1 at position 0). */
  previous: Int32Array;
  count: number;
}

export function keptPositions(windows: readonly (readonly number[])[], excluded: ReadonlySet<number>): KeptPositions {
  const rows: [number, number][] = [];
  windows.forEach((w, b) => w.forEach((t, p) => {
    if (!excluded.has(t)) rows.push([b, p]);
  }));
  const n = rows.length;
  const kept: KeptPositions = { window: new Int32Array(n), position: new Int32Array(n), token: new Int32Array(n), previous: new Int32Array(n), count: n };
  rows.forEach(([b, p], i) => {
    kept.window[i] = b;
    kept.position[i] = p;
    kept.token[i] = windows[b][p];
    kept.previous[i] = p > 0 ? windows[b][p - 1] : -1;
  });
  return kept;
}

/**
 * Runs `windows` (equal length) through `model` and returns, per layer in `layers`, the activations at the
 * kept positions as row-major float32 [kept, dMlp].
 */
export async function mlpActivations(
  model: HookedTransformer,
  windows: readonly (readonly number[])[],
  kept: KeptPositions,
  layers: readonly number[],
): Promise<Float32Array[]> {
  const hooks = layers.map(mlpHook);
  const { cache } = await model.runWithCache(windows, { cache: hooks, returnLogits: false });
  return hooks.map((hook) => {
    const act = cache.get(hook);
    const [, seq, width] = act.shape;
    const out = new Float32Array(kept.count * width);
    for (let i = 0; i < kept.count; i++) {
      const src = (kept.window[i] * seq + kept.position[i]) * width;
      out.set(act.data.subarray(src, src + width), i * width);
    }
    return out;
  });
}
