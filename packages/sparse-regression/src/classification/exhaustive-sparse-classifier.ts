/**
 * The reference for the optimal sparse classifier: fit the logistic model on every support of size
 * <= k and keep the best. Only for small instances (sum_{s<=k} C(p, s) fits).
 */
import { binomial } from '../exhaustive/exhaustive-search.js';
import type { DesignMatrix } from '../problem/design-matrix.js';
import { fitLogisticRegression } from './logistic-regression.js';

export interface ExhaustiveClassifierResult {
  support: number[];
  objective: number;
  /** Best objective among the other supports of size exactly |support| (Infinity when none). */
  runnerUpObjective: number;
  supportsEvaluated: number;
}

export function exhaustiveSparseClassifier(
  x: DesignMatrix,
  labels: ArrayLike<number | boolean>,
  options: { k: number; C?: number; weights?: ArrayLike<number>; maxSupports?: number },
): ExhaustiveClassifierResult {
  const { k } = options;
  const p = x.cols;
  const maxSupports = options.maxSupports ?? 200_000;
  let total = 0;
  for (let s = 0; s <= Math.min(k, p); s++) total += binomial(p, s);
  if (total > maxSupports) throw new Error(`exhaustiveSparseClassifier: ${total} supports exceed maxSupports = ${maxSupports}; use a smaller p or k`);
  let best = { support: [] as number[], objective: Infinity };
  const bySize: number[][] = Array.from({ length: k + 1 }, () => []);
  let evaluated = 0;
  const support: number[] = [];
  const visit = (start: number): void => {
    const f = fitLogisticRegression(x, labels, { C: options.C, weights: options.weights, support }).objective;
    evaluated++;
    bySize[support.length].push(f);
    if (f < best.objective) best = { support: [...support], objective: f };
    if (support.length === k) return;
    for (let j = start; j < p; j++) {
      support.push(j);
      visit(j + 1);
      support.pop();
    }
  };
  visit(0);
  const same = bySize[best.support.length].slice().sort((a, b) => a - b);
  return { support: best.support, objective: best.objective, runnerUpObjective: same.length > 1 ? same[1] : Infinity, supportsEvaluated: evaluated };
}
