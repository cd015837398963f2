/**
 * The held-out evaluation (run_pipeline.py steps 3-5): greedy generations under baseline, directional
 * ablation, activation addition (+r on harmless prompts, -r on harmful ones, at the selected layer) and
 * the orthogonalised weights; refusal rates by the judge; the loss on ordinary text under each.
 */
import type { HookedTransformer } from '@marr/core';
import type { RunIo } from '../direction/mean-difference.js';
import { ablationHooks, actAddHooks } from '../interventions/hooks.js';
import { orthogonalizedModel } from '../interventions/orthogonalize.js';
import { lastPositionLogits } from '../scoring/last-position.js';
import { mean } from '../scoring/refusal-score.js';
import { generateUnder, refusalRate, type Generation, type RefusalJudge } from './generations.js';
import { meanLoss, type LossSequence } from './loss.js';

export const CONDITIONS = ['baseline', 'ablation', 'actAdd', 'orthogonalized'] as const;
export type Condition = (typeof CONDITIONS)[number];

export interface Rates {
  harmfulRefusalRate: number;
  harmlessRefusalRate: number;
  harmfulPhraseRate: number;
  harmlessPhraseRate: number;
  harmfulScoreRate: number;
  harmlessScoreRate: number;
  harmfulMeanScore: number;
  harmlessMeanScore: number;
}

export interface Evaluation {
  generations: Record<Condition, { harmful: Generation[]; harmless: Generation[] }>;
  rates: Record<Condition, Rates>;
  orthogonalizedMaxLogitDifference: number;
  loss: { text: string; tokens: number; baseline: number; ablation: number; orthogonalized: number };
}

export interface EvaluationInput {
  harmful: { instructions: string[]; prompts: string[] };
  harmless: { instructions: string[]; prompts: string[] };
  layer: number;
  direction: Float64Array;
  unit: Float64Array;
  refusalTokens: number[];
  judge: RefusalJudge;
  maxNewTokens: number;
  rowsPerPass: number;
  /** Token windows of ordinary text; null: the harmless baseline completions. */
  lossWindows: number[][] | null;
  lossTokens: number;
}

function ratesOf(harmful: Generation[], harmless: Generation[], judge: RefusalJudge): Rates {
  return {
    harmfulRefusalRate: refusalRate(harmful, judge),
    harmlessRefusalRate: refusalRate(harmless, judge),
    harmfulPhraseRate: refusalRate(harmful, 'phrases'),
    harmlessPhraseRate: refusalRate(harmless, 'phrases'),
    harmfulScoreRate: refusalRate(harmful, 'score'),
    harmlessScoreRate: refusalRate(harmless, 'score'),
    harmfulMeanScore: mean(harmful.map((g) => g.score)),
    harmlessMeanScore: mean(harmless.map((g) => g.score)),
  };
}

/** Ordinary-text sequences capped at `maxTokens` scored tokens. */
function capSequences(seqs: LossSequence[], maxTokens: number): LossSequence[] {
  const out: LossSequence[] = [];
  let left = maxTokens;
  for (const s of seqs) {
    if (left <= 0) break;
    const scored = s.tokens.length - s.from;
    if (scored <= 0) continue;
    const keep = Math.min(scored, left);
    out.push({ tokens: s.tokens.slice(0, s.from + keep), from: s.from });
    left -= keep;
  }
  return out;
}

export async function evaluateDirection(model: HookedTransformer, input: EvaluationInput, io: RunIo): Promise<Evaluation> {
  const ortho = orthogonalizedModel(model, input.unit);
  try {
    const ablate = ablationHooks(model.config.nLayers, input.unit);
    const hooks: Record<Condition, { model: HookedTransformer; harmful: ReturnType<typeof ablationHooks>; harmless: ReturnType<typeof ablationHooks> }> = {
      baseline: { model, harmful: [], harmless: [] },
      ablation: { model, harmful: ablate, harmless: ablate },
      actAdd: { model, harmful: actAddHooks(input.layer, input.direction, -1), harmless: actAddHooks(input.layer, input.direction, 1) },
      orthogonalized: { model: ortho, harmful: [], harmless: [] },
    };
    const opts = { ...io, maxNewTokens: input.maxNewTokens, rowsPerPass: input.rowsPerPass };
    const generations = {} as Evaluation['generations'];
    const rates = {} as Evaluation['rates'];
    for (const c of CONDITIONS) {
      const h = hooks[c];
      const harmful = await generateUnder(h.model, input.harmful.instructions, input.harmful.prompts, h.harmful, input.refusalTokens, { ...opts, label: `${c} (harmful test)` });
      const harmless = await generateUnder(h.model, input.harmless.instructions, input.harmless.prompts, h.harmless, input.refusalTokens, { ...opts, label: `${c} (harmless test)` });
      generations[c] = { harmful, harmless };
      rates[c] = ratesOf(harmful, harmless, input.judge);
    }
    // The orthogonalised weights against the ablation hooks, on every held-out prompt.
    const all = [...input.harmful.prompts, ...input.harmless.prompts];
    const withHooks: Float32Array[] = [];
    const rows = all.map((_, prompt) => ({ prompt, intervention: 0 }));
    await lastPositionLogits(model, all, rows, () => ablate, (r, l) => (withHooks[r.prompt] = l.slice()), { ...opts, label: 'ablation hooks (check)' });
    let maxDiff = 0;
    await lastPositionLogits(ortho, all, rows, () => [], (r, l) => {
      for (let v = 0; v < l.length; v++) maxDiff = Math.max(maxDiff, Math.abs(l[v] - withHooks[r.prompt][v]));
    }, { ...opts, label: 'orthogonalised weights (check)' });
    // Loss on ordinary text.
    const tok = model.tokenizer!;
    const seqs: LossSequence[] = input.lossWindows
      ? input.lossWindows.map((w) => ({ tokens: w, from: 1 }))
      : generations.baseline.harmless.map((g, i) => {
          const prompt = tok.encode(input.harmless.prompts[i]);
          return { tokens: [...prompt, ...tok.encode(g.completion, { addBos: false })], from: prompt.length };
        });
    const lossSeqs = capSequences(seqs, input.lossTokens);
    const base = await meanLoss(model, lossSeqs, [], { ...io, label: 'loss (baseline)' });
    const abl = await meanLoss(model, lossSeqs, ablate, { ...io, label: 'loss (ablation)' });
    const orth = await meanLoss(ortho, lossSeqs, [], { ...io, label: 'loss (orthogonalised)' });
    return {
      generations,
      rates,
      orthogonalizedMaxLogitDifference: maxDiff,
      loss: { text: input.lossWindows ? 'lossText' : 'harmless completions', tokens: base.tokens, baseline: base.loss, ablation: abl.loss, orthogonalized: orth.loss },
    };
  } finally {
    await ortho.dispose();
  }
}

