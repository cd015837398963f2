/**
 * One pass over the vocabulary of logits written as a sum of vectors,
 *   logit_i = a z_i + c u_i + b_i + e f_i,
 * giving log-sum-exp, entropy (nats), the argmax and the logit of one target token without building the
 * logit vector (online softmax: one exp per token). The ablation sweep calls it for every neuron and
 * position with the clean readout z, the neuron's readout u, the bias b and, for the frequency analysis,
 * the frequency direction f.
 */
export interface LogitStats {
  lse: number;
  entropy: number;
  argmax: number;
  target: number;
}

export function logitStats(
  z: Float32Array, zo: number,
  u: Float32Array | null, uo: number,
  b: Float32Array,
  f: Float32Array | null,
  a: number, c: number, e: number,
  V: number, target: number,
  out: LogitStats,
): LogitStats {
  let m = -Infinity, s = 0, t = 0, arg = 0;
  const useU = u !== null && c !== 0;
  const useF = f !== null && e !== 0;
  for (let i = 0; i < V; i++) {
    let x = a * z[zo + i] + b[i];
    if (useU) x += c * u![uo + i];
    if (useF) x += e * f![i];
    if (x > m) {
      const r = Math.exp(m - x);
      s = s * r + 1;
      t = t * r + x;
      m = x;
      arg = i;
    } else {
      const w = Math.exp(x - m);
      s += w;
      t += w * x;
    }
  }
  const lse = m + Math.log(s);
  let tg = a * z[zo + target] + b[target];
  if (useU) tg += c * u![uo + target];
  if (useF) tg += e * f![target];
  out.lse = lse;
  out.entropy = lse - t / s;
  out.argmax = arg;
  out.target = tg;
  return out;
}
