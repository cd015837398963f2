/**
 * Neuron families where the paper defines them from statistics marr computes:
 * - prediction: vocabulary kurtosis of cos(w_out, W_U) above `vocabKurtosis` (10) and positive skew;
 * - suppression: the same kurtosis and negative skew;
 * - unigram: the indicator of one current token explains more than `familyThreshold` (0.5) of the
 *   activation variance; previous-token: the same for the previous token;
 * - position: the position explains more than `familyThreshold` of the variance.
 * (Alphabet, syntax, semantic, partition, entropy and attention-(de)activation families need token
 * annotations or interventions and are not computed here.)
 */
export const FAMILIES = ['prediction', 'suppression', 'unigram', 'previous-token', 'position'] as const;
export type Family = (typeof FAMILIES)[number];

export interface FamilyInputs {
  vocabSkew: number;
  vocabKurtosis: number;
  tokenReduction: number | null;
  previousTokenReduction: number | null;
  positionReduction: number | null;
}

export function familiesOf(s: FamilyInputs, thresholds: { vocabKurtosis: number; familyThreshold: number }): Family[] {
  const out: Family[] = [];
  if (s.vocabKurtosis > thresholds.vocabKurtosis && s.vocabSkew > 0) out.push('prediction');
  if (s.vocabKurtosis > thresholds.vocabKurtosis && s.vocabSkew < 0) out.push('suppression');
  if (s.tokenReduction !== null && s.tokenReduction > thresholds.familyThreshold) out.push('unigram');
  if (s.previousTokenReduction !== null && s.previousTokenReduction > thresholds.familyThreshold) out.push('previous-token');
  if (s.positionReduction !== null && s.positionReduction > thresholds.familyThreshold) out.push('position');
  return out;
}
