/**
 * The induction stimulus (the authors' `generate_induction_examples`): BOS, then n random tokens, then the
 * same n tokens again, for each of `count` sequences, seeded. Tokens are drawn uniformly from the
 * vocabulary without the special ids (BOS, EOS), so the only BOS is the first token.
 */
import { createRng } from '@marr/core';

export function repeatedRandomTokens(options: { bos: number; n: number; count: number; vocab: number; exclude: ReadonlySet<number>; seed: number }): number[][] {
  const { bos, n, count, vocab, exclude, seed } = options;
  const allowed = Array.from({ length: vocab }, (_, i) => i).filter((i) => !exclude.has(i) && i !== bos);
  if (allowed.length === 0) throw new Error('repeatedRandomTokens: no token is left to draw from');
  const rng = createRng(seed);
  return Array.from({ length: count }, () => {
    const half = Array.from({ length: n }, () => allowed[rng.int(allowed.length)]);
    return [bos, ...half, ...half];
  });
}
