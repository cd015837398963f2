/**
 * The circle intervention (intervention/circle_finding_utils.py,
 * get_logit_diffs_from_subspace_formula_resid_intervention, intervening on the start a): at one layer the
 * activation at the start's name token is REPLACED by
 *
 *   x' = μ + (e_t R⁻¹) Qᵀ Pᵀ − μ P Q Qᵀ Pᵀ,
 *
 * μ the mean activation over the problems, P (d x k) the PCA directions, W = QR the circle probe and
 * e_t = [cos 2πt/p, sin 2πt/p] the circle point of the new start t. For every problem and every t ≠ a the
 * model should now answer c' = (b + t) mod p; the metric is logit(c) − logit(c') at the last position
 * before and after, plus how often the top token (over the whole vocabulary, and among the p answers)
 * becomes c'. Two controls run the same pairs: replacing the activation by μ alone (mean ablation) and by
 * the whole activation of the problem (t, b) (a full patch, the authors' "replace all"). Where the probe is
 * degenerate (rank < 2) its Q is zero and the replacement is the mean alone.
 */
import { batches, type HookedTransformer, type Progress } from '@marr/core';
import type { CircleProbe } from './circle-probe.js';
import type { ModularTask } from './modular-tasks.js';

/** The activation the intervention writes for the new start t (length d). */
export function circleReplacement(probe: CircleProbe, t: number, period: number): Float64Array {
  const comps = probe.pca.components; // k x d
  const { rows: k, cols: d, data: P } = comps;
  const { q, r, mean } = probe;
  const e0 = Math.cos((2 * Math.PI * t) / period), e1 = Math.sin((2 * Math.PI * t) / period);
  // u = e R⁻¹ for R = [[r00, r01], [0, r11]].
  const u0 = e0 / r[0];
  const u1 = (e1 - u0 * r[1]) / r[3];
  // Coordinates along the PCA directions: u Qᵀ, minus the mean's part in span(PQ): (μ P Q) Qᵀ.
  const m = new Float64Array(k);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) m[c] += mean[j] * P[c * d + j];
  let mq0 = 0, mq1 = 0;
  for (let c = 0; c < k; c++) {
    mq0 += m[c] * q[2 * c];
    mq1 += m[c] * q[2 * c + 1];
  }
  const coef = new Float64Array(k);
  for (let c = 0; c < k; c++) coef[c] = u0 * q[2 * c] + u1 * q[2 * c + 1] - (mq0 * q[2 * c] + mq1 * q[2 * c + 1]);
  const out = Float64Array.from(mean);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) out[j] += coef[c] * P[c * d + j];
  return out;
}

export interface InterventionRow {
  problem: number;
  /** The new start t. */
  target: number;
  /** The new answer (b + t) mod p. */
  newAnswer: number;
}

export interface RowOutcome {
  /** logit(original answer) − logit(new answer). */
  logitDiff: number;
  /** The top token over the vocabulary is the new answer's. */
  moved: boolean;
  /** The top token among the p answers is the new answer's. */
  movedAmongNames: boolean;
  /** The top token over the vocabulary is still the original answer's. */
  kept: boolean;
}

export type ArmSummary = {
  meanLogitDiff: number;
  movedFraction: number;
  movedAmongNamesFraction: number;
  keptFraction: number;
};

export function summariseArm(outcomes: readonly RowOutcome[]): ArmSummary {
  const n = outcomes.length || 1;
  return {
    meanLogitDiff: outcomes.reduce((s, o) => s + o.logitDiff, 0) / n,
    movedFraction: outcomes.filter((o) => o.moved).length / n,
    movedAmongNamesFraction: outcomes.filter((o) => o.movedAmongNames).length / n,
    keptFraction: outcomes.filter((o) => o.kept).length / n,
  };
}

/** Every (problem, new start) pair with t ≠ a. */
export function interventionRows(task: ModularTask): InterventionRow[] {
  const rows: InterventionRow[] = [];
  for (let t = 0; t < task.period; t++) {
    task.problems.forEach((p, i) => {
      if (t !== p.a) rows.push({ problem: i, target: t, newAnswer: (p.b + t) % task.period });
    });
  }
  return rows;
}

function argmax(row: Float32Array | Float64Array, ids?: readonly number[]): number {
  if (ids) {
    let best = 0;
    for (let i = 1; i < ids.length; i++) if (row[ids[i]] > row[ids[best]]) best = i;
    return best;
  }
  let best = 0;
  for (let v = 1; v < row.length; v++) if (row[v] > row[best]) best = v;
  return best;
}

/**
 * Runs the prompts of `rows` with the activation at `hook`, the name token, replaced by `replacement(row)`
 * (null: no edit) and scores each row. Rows run in batches of equal-length prompts.
 */
export async function runReplacements(
  model: HookedTransformer,
  task: ModularTask,
  rows: readonly InterventionRow[],
  hook: string,
  replacement: ((row: InterventionRow) => ArrayLike<number>) | null,
  io: { batchSize: number; signal?: AbortSignal; progress?: Progress; label: string },
): Promise<RowOutcome[]> {
  const out: RowOutcome[] = new Array(rows.length);
  const byLength = new Map<number, number[]>();
  rows.forEach((r, i) => {
    const len = task.problems[r.problem].tokens.length;
    byLength.set(len, [...(byLength.get(len) ?? []), i]);
  });
  const groups: number[][] = [];
  for (const ids of byLength.values()) for (let s = 0; s < ids.length; s += io.batchSize) groups.push(ids.slice(s, s + io.batchSize));
  const d = model.config.dModel;
  for await (const { items } of batches(groups, { size: 1, signal: io.signal, progress: io.progress, label: io.label })) {
    const ids = items[0];
    const tokens = ids.map((i) => task.problems[rows[i].problem].tokens);
    const seq = tokens[0].length;
    const hooks = replacement
      ? [{
          name: hook,
          edit: (act: { data: Float32Array }) => {
            ids.forEach((i, b) => {
              const v = replacement(rows[i]);
              const at = (b * seq + task.problems[rows[i].problem].namePosition) * d;
              for (let j = 0; j < d; j++) act.data[at + j] = v[j];
            });
          },
        }]
      : [];
    const { logits } = await model.run(tokens, { hooks });
    const V = logits!.shape[2];
    ids.forEach((i, b) => {
      const row = logits!.data.subarray((b * seq + seq - 1) * V, (b * seq + seq) * V);
      const r = rows[i];
      const orig = task.problems[r.problem].c;
      const top = argmax(row);
      out[i] = {
        logitDiff: row[task.answerTokens[orig]] - row[task.answerTokens[r.newAnswer]],
        moved: top === task.answerTokens[r.newAnswer],
        movedAmongNames: argmax(row, task.answerTokens) === r.newAnswer,
        kept: top === task.answerTokens[orig],
      };
    });
  }
  return out;
}
