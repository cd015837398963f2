/** The `baseline` parameter: `zero`, `bos`, `eos` or `token:<text>`, resolved for a model. */
import { MarrUsageError, type EmbeddingBaseline, type HookedTransformer } from '@marr/core';
import { singleTokenId } from './single-token.js';

export const BASELINE_HELP =
  "zero: the zero embedding (Sundararajan et al.'s text baseline); bos / eos: the BOS or EOS token's embedding at every position; token:<text>: that single token's embedding (e.g. token:the).";

export function resolveBaseline(model: HookedTransformer, choice: string): EmbeddingBaseline {
  const c = choice.trim();
  if (c === 'zero') return 'zero';
  if (c === 'bos' || c === 'eos') {
    const id = c === 'bos' ? model.tokenizer?.bosTokenId ?? model.config.bosTokenId : model.tokenizer?.eosTokenId ?? model.config.eosTokenId;
    if (id === null || id === undefined) throw new MarrUsageError(`--param baseline=${c}: this model has no ${c.toUpperCase()} token; use baseline=zero or baseline=token:<text>`);
    return { token: id };
  }
  if (c.startsWith('token:')) {
    return { token: singleTokenId(model, c.slice('token:'.length), `--param baseline=${choice}`, 'baseline token') };
  }
  throw new MarrUsageError(`--param baseline=${choice} is not a baseline; use ${BASELINE_HELP}`);
}
