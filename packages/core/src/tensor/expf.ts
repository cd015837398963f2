/**
 * e^x to float32 accuracy, for the float32 loops of the differentiable forward (softmax, cross-entropy,
 * SwiGLU), where `Math.exp` (a full float64 exp, ~15 ns a call in V8) is the largest cost after the
 * matrix products. Range reduction x = m·ln2 + r with |r| ≤ ln2/2, a degree-7 Taylor polynomial for e^r
 * (relative error below 1e-8, under half a float32 ulp) and 2^m from a table.
 *
 * Inputs are clamped to [−104, 88] (e^−104 is below float32's smallest subnormal, e^88 near its largest
 * value), so the result is finite for every finite input; NaN gives NaN. Float64 code keeps `Math.exp`.
 */

/** POW2[m + 151] = 2^m for m in [−151, 129]. */
const POW2 = Float64Array.from({ length: 281 }, (_, i) => 2 ** (i - 151));

// The constants are literals, not module bindings: bundlers turn module constants into `var`s, which V8
// reloads on every call, and this function is called a million times a step. The hot loops below pass
// the table in a local for the same reason.
function expWith(pow2: Float64Array, x: number): number {
  const y = Math.min(88, Math.max(-104, x));
  // m = round(y / ln 2); r = y − m·ln 2 with ln 2 split in two (Cody–Waite), so m·hi is exact
  const m = Math.floor(y * 1.4426950408889634 + 0.5);
  const r = y - m * 0.6931471803691238 - m * 1.9082149292705877e-10;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720 + r / 5040))))));
  return p * pow2[(m | 0) + 151];
}

export function expf(x: number): number {
  return expWith(POW2, x);
}

type Floats = Float32Array | Float64Array;

/**
 * out[i] = e^(x[i] − shift) for i in [from, to); returns their sum. Float64 arrays (gradient checks) use
 * `Math.exp`, float32 ones `expf`, each in its own loop so both stay inlined.
 */
export function expShiftedInto(out: Floats, x: Floats, from: number, to: number, shift: number): number {
  let sum = 0;
  if (out instanceof Float64Array) {
    for (let i = from; i < to; i++) {
      const e = Math.exp(x[i] - shift);
      out[i] = e;
      sum += e;
    }
  } else {
    const pow2 = POW2;
    for (let i = from; i < to; i++) {
      const e = expWith(pow2, x[i] - shift);
      out[i] = e;
      sum += e;
    }
  }
  return sum;
}

/** out[i] = σ(x[i]) = 1 / (1 + e^−x[i]) (Math.exp for float64 arrays, expf for float32 ones). */
export function sigmoidInto(out: Floats, x: Floats): void {
  if (out instanceof Float64Array) for (let i = 0; i < x.length; i++) out[i] = 1 / (1 + Math.exp(-x[i]));
  else {
    const pow2 = POW2;
    for (let i = 0; i < x.length; i++) out[i] = 1 / (1 + expWith(pow2, -x[i]));
  }
}
