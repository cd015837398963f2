/**
 * Non-finite numbers (NaN, +-Infinity) in weights or outputs. A checkpoint with one NaN loads and runs
 * but every logit it touches becomes NaN (printed as `null` in JSON), so loaders reject such weights
 * naming the tensor, unless the user asks to load them anyway, and then they get a loud warning.
 */

/** How loaders treat non-finite weights: refuse (default) or load with a warning. */
export type NonFiniteWeights = 'reject' | 'warn';

export interface NonFiniteFinding {
  /** Index of the first non-finite value. */
  index: number;
  value: number;
  /** How many values are non-finite. */
  count: number;
}

/** The first non-finite value of `data` and how many there are, or null when all are finite. */
export function findNonFinite(data: ArrayLike<number>): NonFiniteFinding | null {
  let first = -1;
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    // v - v is 0 for finite v and NaN for NaN and +-Infinity: one comparison per value.
    if (v - v !== 0) {
      if (first < 0) first = i;
      count++;
    }
  }
  return first < 0 ? null : { index: first, value: data[first], count };
}

function describe(f: NonFiniteFinding, total: number): string {
  return `${f.count} of ${total} values are not finite (the first, at flat index ${f.index}, is ${f.value})`;
}

/**
 * Checks every tensor of a weight map. With 'reject' throws naming the first bad tensor and the fix;
 * with 'warn' returns one warning per bad tensor (the caller shows them loudly).
 */
export function checkWeightsFinite(
  weights: ReadonlyMap<string, { data: ArrayLike<number> }>,
  source: string,
  mode: NonFiniteWeights = 'reject',
): string[] {
  const warnings: string[] = [];
  for (const [name, t] of weights) {
    const f = findNonFinite(t.data);
    if (!f) continue;
    if (mode === 'reject') {
      throw new Error(
        `${source}: weight ${name} holds NaN or infinite values: ${describe(f, t.data.length)}; the checkpoint is corrupt or was saved after training diverged. ` +
          `Re-export it, or load it anyway with nonFiniteWeights: 'warn' (from the command line: MARR_NON_FINITE_WEIGHTS=warn); outputs touched by that tensor will be NaN`,
      );
    }
    warnings.push(`WARNING: ${source}: weight ${name} holds NaN or infinite values: ${describe(f, t.data.length)}; outputs that depend on it will be NaN`);
  }
  return warnings;
}

/**
 * Where a computed output (e.g. logits) has non-finite values: null when all are finite, else one
 * sentence for the user naming what and where, for commands that would otherwise print `null`s.
 */
export function nonFiniteOutputMessage(what: string, data: ArrayLike<number>, shape?: readonly number[]): string | null {
  const f = findNonFinite(data);
  if (!f) return null;
  let where = `flat index ${f.index}`;
  if (shape && shape.length > 0) {
    const coords: number[] = [];
    let rest = f.index;
    for (let d = shape.length - 1; d >= 0; d--) {
      coords.unshift(rest % shape[d]);
      rest = Math.floor(rest / shape[d]);
    }
    where = `[${coords.join(', ')}]`;
  }
  return (
    `the forward pass produced non-finite ${what}: ${f.count} of ${data.length} values are NaN or infinite (the first at ${where} is ${f.value}). ` +
    'The weights or the config are broken (a NaN/Inf in a tensor, or a config value such as rope_theta or eps out of range); check the model files'
  );
}
