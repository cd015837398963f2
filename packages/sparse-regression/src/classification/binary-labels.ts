/**
 * Binary labels and class weights for the sparse classifiers: labels are given as 0/1 (or false/true)
 * and used internally as -1/+1; "balanced" weights give each class the same total weight, as
 * scikit-learn's class_weight='balanced' does (w = n / (2 n_class)).
 */

/** Checks 0/1 labels and returns them as -1/+1. Throws naming the first bad entry. */
export function signedLabels(labels: ArrayLike<number | boolean>, what = 'labels'): Float64Array {
  const out = new Float64Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = Number(labels[i]);
    if (v !== 0 && v !== 1) throw new Error(`${what}: entry ${i} is ${String(labels[i])}; binary labels must be 0 or 1 (1 = the positive class)`);
    out[i] = v === 1 ? 1 : -1;
  }
  return out;
}

/** Per-example weights n / (2 n_c) so that both classes weigh n / 2 in total. Throws when a class is empty. */
export function balancedClassWeights(labels: ArrayLike<number | boolean>): Float64Array {
  const n = labels.length;
  let positives = 0;
  for (let i = 0; i < n; i++) if (Number(labels[i]) === 1) positives++;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new Error(`balancedClassWeights: need examples of both classes, got ${positives} positive and ${negatives} negative`);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Number(labels[i]) === 1 ? n / (2 * positives) : n / (2 * negatives);
  return out;
}

/** Unit weights, or checks the given ones (finite, >= 0, one per example). */
export function exampleWeights(n: number, weights: ArrayLike<number> | undefined, what: string): Float64Array {
  if (weights === undefined) return new Float64Array(n).fill(1);
  if (weights.length !== n) throw new Error(`${what}: ${weights.length} weights for ${n} examples; give one weight per example`);
  const out = Float64Array.from(weights);
  for (let i = 0; i < n; i++) {
    if (!(out[i] >= 0) || !Number.isFinite(out[i])) throw new Error(`${what}: weight ${i} is ${out[i]}; weights must be finite and >= 0`);
  }
  return out;
}
