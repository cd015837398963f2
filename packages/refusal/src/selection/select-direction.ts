/**
 * Selection on the validation prompts (pipeline/submodules/select_direction.py), every candidate scored
 * in batched passes:
 * - bypass score: mean refusal score on harmful prompts with the candidate's unit direction ablated at
 *   every layer (block inputs, attention outputs, MLP outputs; all positions);
 * - induce score: mean refusal score on harmless prompts with the raw candidate added at its layer only;
 * - KL(base || ablated) of the last-position distribution, mean over harmless prompts.
 * A candidate is discarded when a score is NaN, its layer >= int((1 - prune) L), KL > klThreshold or
 * induce < induceThreshold; the one with the lowest bypass score among the rest is selected.
 */
import type { HookedTransformer } from '@marr/core';
import { vectorAt, type PositionLayerVectors, type RunIo } from '../direction/mean-difference.js';
import { rowAblationHooks, rowActAddHooks } from '../interventions/hooks.js';
import { norm, unitVector } from '../interventions/vectors.js';
import { baselineProbs, lastPositionProbs, type ScoreRow } from '../scoring/last-position.js';
import { klOfProbs, mean, refusalScoreOfProbs } from '../scoring/refusal-score.js';

export type DiscardReason = 'nan' | 'late-layer' | 'kl' | 'induce';

export interface Candidate {
  layer: number;
  /** Negative index from the end of the prompt (-nPos..-1), as in the authors' code. */
  position: number;
  /** The post-instruction template token at that position. */
  token: string;
  norm: number;
  bypassScore: number;
  induceScore: number;
  kl: number;
  discarded: boolean;
  discardReasons: DiscardReason[];
}

export interface SelectionSettings {
  klThreshold: number;
  induceThreshold: number;
  pruneLayerFraction: number;
  rowsPerPass: number;
}

export interface Selection {
  candidates: Candidate[];
  /** Index into candidates of the selected one; the lowest bypass score among the kept, or null when none is kept. */
  selected: number | null;
  /** The lowest bypass score among all non-NaN candidates (reported when none passes the filter). */
  bestUnfiltered: number | null;
  baselineHarmful: number;
  baselineHarmless: number;
  maxLayer: number;
}

/** Candidate c = position p * L + layer l. */
function candidateOf(c: number, L: number): { pos: number; layer: number } {
  return { pos: Math.floor(c / L), layer: c % L };
}

export function discardReasons(c: Pick<Candidate, 'bypassScore' | 'induceScore' | 'kl' | 'layer'>, nLayers: number, s: SelectionSettings): DiscardReason[] {
  const reasons: DiscardReason[] = [];
  if (Number.isNaN(c.bypassScore) || Number.isNaN(c.induceScore) || Number.isNaN(c.kl)) reasons.push('nan');
  if (c.layer >= Math.floor(nLayers * (1 - s.pruneLayerFraction))) reasons.push('late-layer');
  if (c.kl > s.klThreshold) reasons.push('kl');
  if (c.induceScore < s.induceThreshold) reasons.push('induce');
  return reasons;
}

export async function selectDirection(
  model: HookedTransformer,
  harmfulVal: readonly string[],
  harmlessVal: readonly string[],
  directions: PositionLayerVectors,
  tokens: readonly string[],
  refusalTokens: readonly number[],
  settings: SelectionSettings,
  io: RunIo,
): Promise<Selection> {
  const { nPos, nLayers: L } = directions;
  const C = nPos * L;
  const raw = Array.from({ length: C }, (_, c) => vectorAt(directions, candidateOf(c, L).pos, candidateOf(c, L).layer));
  const units = raw.map((r) => unitVector(r));
  const passOptions = { ...io, rowsPerPass: settings.rowsPerPass };

  const baseHarmful = await baselineProbs(model, harmfulVal, { ...passOptions, label: 'baseline (harmful val)' });
  const baseHarmless = await baselineProbs(model, harmlessVal, { ...passOptions, label: 'baseline (harmless val)' });

  // Ablation: harmful rows give the bypass score, harmless rows the KL; one pass holds many candidates.
  const prompts = [...harmfulVal, ...harmlessVal];
  const nH = harmfulVal.length;
  const bypass = new Float64Array(C);
  const kl = new Float64Array(C);
  const ablationRows: ScoreRow[] = [];
  for (let c = 0; c < C; c++) for (let p = 0; p < prompts.length; p++) ablationRows.push({ prompt: p, intervention: c });
  await lastPositionProbs(
    model, prompts, ablationRows,
    (rows) => rowAblationHooks(L, (b) => units[rows[b].intervention]),
    (row, probs) => {
      if (row.prompt < nH) bypass[row.intervention] += refusalScoreOfProbs(probs, refusalTokens) / nH;
      else kl[row.intervention] += klOfProbs(baseHarmless[row.prompt - nH], probs) / harmlessVal.length;
    },
    { ...passOptions, label: 'ablating each candidate (val)' },
  );

  // Activation addition of the raw candidate at its own layer, on harmless prompts.
  const induce = new Float64Array(C);
  const addRows: ScoreRow[] = [];
  for (let c = 0; c < C; c++) for (let p = 0; p < harmlessVal.length; p++) addRows.push({ prompt: p, intervention: c });
  await lastPositionProbs(
    model, harmlessVal, addRows,
    (rows) => rowActAddHooks(L, (b) => ({ layer: candidateOf(rows[b].intervention, L).layer, vector: raw[rows[b].intervention], coeff: 1 })),
    (row, probs) => (induce[row.intervention] += refusalScoreOfProbs(probs, refusalTokens) / harmlessVal.length),
    { ...passOptions, label: 'adding each candidate (val)' },
  );

  const candidates: Candidate[] = raw.map((r, c) => {
    const { pos, layer } = candidateOf(c, L);
    const base = { layer, position: pos - nPos, token: tokens[pos], norm: norm(r), bypassScore: bypass[c], induceScore: induce[c], kl: kl[c] };
    const reasons = discardReasons(base, L, settings);
    return { ...base, discarded: reasons.length > 0, discardReasons: reasons };
  });
  const pick = (keep: (c: Candidate) => boolean): number | null => {
    let best: number | null = null;
    candidates.forEach((c, i) => {
      if (keep(c) && (best === null || c.bypassScore < candidates[best].bypassScore)) best = i;
    });
    return best;
  };
  return {
    candidates,
    selected: pick((c) => !c.discarded),
    bestUnfiltered: pick((c) => !Number.isNaN(c.bypassScore)),
    baselineHarmful: mean(baseHarmful.map((p) => refusalScoreOfProbs(p, refusalTokens))),
    baselineHarmless: mean(baseHarmless.map((p) => refusalScoreOfProbs(p, refusalTokens))),
    maxLayer: Math.floor(L * (1 - settings.pruneLayerFraction)) - 1,
  };
}
