/**
 * Evidence for the paper's four stages of inference, read off the measured curves. No threshold
 * defines a stage (Lad et al. 2024, arXiv:2406.19384, read stages off the curves qualitatively); each item states a measured fact and where in depth it
 * appears, so a reader can judge whether the curves show the stage.
 */
import type { FigureMark } from '@marr/core';
import type { LayerLocality } from '../attention/locality.js';
import type { SweepResult } from '../interventions/sweep.js';
import type { LogitLensLayer } from '../lens/logit-lens.js';
import { relativeDepth } from '../metrics/depth.js';
import type { LayerNeuronCounts } from '../neurons/prediction-neurons.js';
import { fmt, pct } from '../report/format.js';

export type StageName = 'detokenization' | 'feature engineering' | 'prediction ensembling' | 'residual sharpening';

/**
 * How strongly an item supports its stage, by the fixed rules of `strengthOf` (stated in the report): the
 * size of the effect and whether it appears where the paper places the stage.
 */
export type EvidenceStrength = 'strong' | 'moderate' | 'weak' | 'none';

export interface StageEvidence {
  stage: StageName;
  /** How strongly it supports the stage (see STRENGTH_RULES). */
  strength: EvidenceStrength;
  /** What was measured, in words, with the numbers. */
  evidence: string;
  /** The headline number of the evidence. */
  value: number;
  /** Where it appears, in relative depth. */
  from: number;
  to: number;
}

export interface StageInputs {
  nLayers: number;
  sweep: SweepResult;
  lens: LogitLensLayer[];
  locality: LayerLocality[];
  neurons: LayerNeuronCounts[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const argmaxBy = <T>(xs: T[], f: (x: T) => number): T => xs.reduce((a, b) => (f(b) > f(a) ? b : a));

/** The rules behind `strength`, in words (shown with the evidence table). */
export const STRENGTH_RULES =
  'Strength: deleting layer 0 vs the inner median, strong at >= 3x, moderate at >= 1.5x; the previous-token attention peak, ' +
  'strong when it is at depth <= 1/3 and >= 1.5x the layer average, moderate at depth <= 1/2, else weak (detokenization is early); ' +
  'inner-layer deletion keeping >= 90% of accuracy on average is strong, >= 70% moderate; prediction (suppression) neurons densest ' +
  'at depth >= 1/2 (>= 3/4) with >= 5% of the layer strong, fewer moderate, elsewhere weak, none found none; the largest logit-lens ' +
  'entropy drop strong at >= 1 bit in the second half, moderate at >= 0.25 bits, a rise none; deleting the last layer strong at ' +
  '>= 1.5x the inner median KL, moderate at >= 0.75x. With two layers there are no inner layers, so feature engineering cannot be tested.';

type Draft = Omit<StageEvidence, 'strength'> & { rule: (e: Omit<StageEvidence, 'strength'>) => EvidenceStrength };

const grade = (x: number, strong: number, moderate: number): EvidenceStrength => (x >= strong ? 'strong' : x >= moderate ? 'moderate' : 'weak');

export function stageEvidence(inputs: StageInputs): StageEvidence[] {
  return stageEvidenceDrafts(inputs).map(({ rule, ...e }) => ({ ...e, strength: rule(e) }));
}

function stageEvidenceDrafts({ nLayers: L, sweep, lens, locality, neurons }: StageInputs): Draft[] {
  const out: Draft[] = [];
  const depth = (l: number) => relativeDepth(l, L);
  const del = sweep.deletion;
  const inner = del.slice(1, -1);

  if (del.length > 0 && inner.length > 0) {
    const med = median(inner.map((r) => r.kl));
    out.push({
      stage: 'detokenization',
      evidence: `deleting layer 0 gives KL ${fmt(del[0].kl, 4)} nats, ${fmt(del[0].kl / Math.max(med, 1e-12), 1)}x the median over inner layers (${fmt(med, 4)}); accuracy retention ${pct(del[0].accuracyRetention)}`,
      value: del[0].kl / Math.max(med, 1e-12),
      from: 0,
      to: 0,
      rule: (e) => grade(e.value, 3, 1.5),
    });
  }
  if (locality.length > 0) {
    const top = argmaxBy(locality, (r) => r.total);
    const meanAll = locality.reduce((a, r) => a + r.total, 0) / locality.length;
    out.push({
      stage: 'detokenization',
      evidence: `attention on the previous ${locality[0].byOffset.length} tokens peaks in layer ${top.layer} (${fmt(top.total)} vs ${fmt(meanAll)} averaged over layers)`,
      value: top.total,
      from: top.relativeDepth,
      to: top.relativeDepth,
      rule: (e) => (e.from <= 1 / 3 && top.total >= 1.5 * meanAll ? 'strong' : e.from <= 0.5 ? 'moderate' : 'weak'),
    });
  }
  if (inner.length > 0) {
    const rets = inner.map((r) => r.accuracyRetention ?? 0);
    const swaps = sweep.swap.slice(1, -1).map((r) => r.accuracyRetention ?? 0);
    const midLens = lens.length > 2 ? lens[Math.floor((lens.length - 1) / 2)] : null;
    out.push({
      stage: 'feature engineering',
      evidence:
        `deleting an inner layer keeps ${pct(Math.min(...rets))}-${pct(Math.max(...rets))} of accuracy` +
        (swaps.length ? `, swapping inner neighbours ${pct(Math.min(...swaps))}-${pct(Math.max(...swaps))}` : '') +
        (midLens ? `; logit-lens entropy at mid-depth is ${fmt(midLens.entropy)} bits vs ${fmt(lens[lens.length - 1].entropy)} at the output` : ''),
      value: rets.reduce((a, b) => a + b, 0) / rets.length,
      from: depth(1),
      to: depth(L - 2),
      rule: (e) => grade(e.value, 0.9, 0.7),
    });
  }
  if (neurons.length > 0) out.push(neuronEvidence(neurons, 'prediction'));
  if (lens.length > 1) {
    let at = 1;
    for (let l = 1; l < lens.length; l++) if (lens[l - 1].entropy - lens[l].entropy > lens[at - 1].entropy - lens[at].entropy) at = l;
    const drop = lens[at - 1].entropy - lens[at].entropy;
    out.push({
      stage: 'prediction ensembling',
      evidence: `the largest change of logit-lens entropy between consecutive blocks is ${drop >= 0 ? 'a drop' : 'a rise'} of ${fmt(Math.abs(drop))} bits at block ${at}`,
      value: drop,
      from: lens[at - 1].relativeDepth,
      to: lens[at].relativeDepth,
      rule: (e) => (e.value <= 0 ? 'none' : e.value >= 1 && e.to >= 0.5 ? 'strong' : e.value >= 0.25 ? 'moderate' : 'weak'),
    });
  }
  if (neurons.length > 0) out.push(neuronEvidence(neurons, 'suppression'));
  if (del.length > 1) {
    const last = del[del.length - 1];
    const innerMedian = inner.length > 0 ? median(inner.map((r) => r.kl)) : null;
    out.push({
      stage: 'residual sharpening',
      evidence: `deleting the last layer gives KL ${fmt(last.kl, 4)} nats and changes the entropy from ${fmt(last.entropyOriginal)} to ${fmt(last.entropy)} bits`,
      value: last.kl,
      from: 1,
      to: 1,
      // Without inner layers there is nothing to compare the last layer's deletion with.
      rule: (e) => (innerMedian === null ? 'weak' : grade(e.value / Math.max(innerMedian, 1e-12), 1.5, 0.75)),
    });
  }
  return out;
}

function neuronEvidence(neurons: LayerNeuronCounts[], kind: 'prediction' | 'suppression'): Draft {
  const stage: StageName = kind === 'prediction' ? 'prediction ensembling' : 'residual sharpening';
  const fraction = (r: LayerNeuronCounts) => (kind === 'prediction' ? r.predictionFraction : r.suppressionFraction);
  const top = argmaxBy(neurons, fraction);
  if (top[kind] === 0) {
    const k = argmaxBy(neurons, (r) => r.maxKurtosis);
    return {
      stage,
      evidence: `no ${kind} neuron passes the kurtosis threshold in any layer (the largest kurtosis, ${fmt(k.maxKurtosis, 1)}, is in layer ${k.layer}); the threshold depends on the vocabulary size, so try a lower kurtosisThreshold`,
      value: 0,
      from: k.relativeDepth,
      to: k.relativeDepth,
      rule: () => 'none',
    };
  }
  return {
    stage,
    evidence: `${kind} neurons are densest in layer ${top.layer} (${top[kind]} of ${top.total}, ${pct(fraction(top))})`,
    value: fraction(top),
    from: top.relativeDepth,
    to: top.relativeDepth,
    rule: (e) => (e.from < (kind === 'prediction' ? 0.5 : 0.75) ? 'weak' : e.value >= 0.05 ? 'strong' : 'moderate'),
  };
}

const STRENGTH_ORDER: Record<EvidenceStrength, number> = { strong: 3, moderate: 2, weak: 1, none: 0 };

/**
 * One clause per stage for a report's summary: the stage, how strong its best evidence is, and that
 * evidence's words (the table keeps every item).
 */
export function stageSummary(evidence: readonly StageEvidence[], nLayers: number): string {
  const stages: StageName[] = ['detokenization', 'feature engineering', 'prediction ensembling', 'residual sharpening'];
  const clauses = stages.map((stage) => {
    const items = evidence.filter((e) => e.stage === stage);
    if (items.length === 0) return stage === 'feature engineering' && nLayers < 3 ? `${stage}: not testable with ${nLayers} layers` : `${stage}: no evidence measured`;
    const best = items.reduce((a, b) => (STRENGTH_ORDER[b.strength] > STRENGTH_ORDER[a.strength] ? b : a));
    return `${stage}: ${best.strength} (${best.evidence})`;
  });
  return `Stage evidence, each stage's strongest item: ${clauses.join('; ')}.`;
}

/** Figure marks for the evidence of the given stages (a rule at a point, a band over a range). */
export function evidenceMarks(evidence: StageEvidence[], stages: readonly StageName[]): FigureMark[] {
  return evidence
    .filter((e) => stages.includes(e.stage))
    .map((e) => (e.from === e.to ? { kind: 'rule' as const, from: e.from, label: e.stage } : { kind: 'band' as const, from: e.from, to: e.to, label: e.stage }));
}
