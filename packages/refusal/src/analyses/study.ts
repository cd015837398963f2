/**
 * The whole method on one model: splits and filtering, candidate directions, selection, evaluation,
 * outputs. `refusalDirectionStudy` is what the analysis runs once its inputs are read.
 */
import { checkOutputDir, createRng, MarrUsageError, type HookedTransformer, type Progress, type Report } from '@marr/core';
import { candidateDirections, vectorAt } from '../direction/mean-difference.js';
import { evaluateDirection, type Evaluation } from '../evaluation/evaluate.js';
import { orthogonalizeWeights } from '../interventions/orthogonalize.js';
import { unitVector } from '../interventions/vectors.js';
import { checkDirectionFile, checkModelFolderSupported, METHOD, saveDirection, saveOrthogonalizedModel } from '../output/save.js';
import type { Instruction } from '../prompts/instructions.js';
import { splitClass } from '../prompts/splits.js';
import { modelChatTemplate } from '../prompts/chat-template.js';
import { applyTemplate, checkTemplate, DEFAULT_TEMPLATE, postInstructionLength } from '../prompts/template.js';
import { buildReport, type ReportInput } from '../report/report.js';
import { baselineProbs } from '../scoring/last-position.js';
import { refusalScoreOfProbs } from '../scoring/refusal-score.js';
import { defaultRefusalTokens, refusalTokenIds } from '../scoring/refusal-tokens.js';
import { selectDirection } from '../selection/select-direction.js';
import type { RefusalDirectionParams } from './params.js';

export interface StudyInputs {
  harmful: readonly Instruction[];
  harmless: readonly Instruction[];
  harmfulTest: readonly Instruction[] | null;
  harmlessTest: readonly Instruction[] | null;
  /** Token windows of ordinary text for the loss change, or null (the harmless baseline completions). */
  lossWindows: number[][] | null;
}

export interface StudyIo {
  progress: Progress;
  signal: AbortSignal;
  seed: number;
}

/** The fewest prompts per split the filter may leave before the unfiltered split is used. */
export const MIN_FILTERED = 2;

export async function refusalDirectionStudy(model: HookedTransformer, inputs: StudyInputs, params: RefusalDirectionParams, io: StudyIo): Promise<Report> {
  const tok = model.tokenizer;
  if (!tok) throw new MarrUsageError('refusal-direction needs a model with a tokenizer (to apply the template and read refusal tokens)');
  const template = params.template ?? modelChatTemplate(model)?.template ?? DEFAULT_TEMPLATE;
  checkTemplate(template);
  if (params.saveDirection) await checkDirectionFile(params.saveDirection);
  if (params.saveModel) {
    checkModelFolderSupported(model);
    await checkOutputDir(params.saveModel, 'saveModel');
  }
  const tokenTexts = params.refusalTokens ?? defaultRefusalTokens(model);
  const refusalIds = refusalTokenIds(model, tokenTexts);
  const nPos = postInstructionLength(model, template);
  const tpl = (xs: readonly string[]) => xs.map((x) => applyTemplate(template, x));
  const positions = tok
    .encode(applyTemplate(template, inputs.harmful[0].instruction))
    .slice(-nPos)
    .map((id) => tok.tokenString(id));
  const run = { signal: io.signal, progress: io.progress };
  const rowsPerPass = params.batchSize;

  // Splits, seeded: harmful first, then harmless, from one generator.
  const rng = createRng(io.seed);
  const sizes = { nTrain: params.nTrain, nVal: params.nVal, nTest: params.nTest };
  const harmful = splitClass('harmful', inputs.harmful, inputs.harmfulTest, sizes, rng);
  const harmless = splitClass('harmless', inputs.harmless, inputs.harmlessTest, sizes, rng);

  // Filter by the baseline refusal score: harmful prompts must be refused (> 0), harmless ones not (< 0).
  const scoresOf = async (xs: string[], label: string) =>
    (await baselineProbs(model, tpl(xs), { ...run, rowsPerPass, label })).map((p) => refusalScoreOfProbs(p, refusalIds));
  const s = {
    harmfulTrain: await scoresOf(harmful.train, 'refusal scores (harmful train)'),
    harmlessTrain: await scoresOf(harmless.train, 'refusal scores (harmless train)'),
    harmfulVal: await scoresOf(harmful.val, 'refusal scores (harmful val)'),
    harmlessVal: await scoresOf(harmless.val, 'refusal scores (harmless val)'),
  };
  const keep = (xs: string[], scores: number[], refused: boolean) => xs.filter((_, i) => (refused ? scores[i] > 0 : scores[i] < 0));
  const kept = {
    harmfulTrain: keep(harmful.train, s.harmfulTrain, true),
    harmlessTrain: keep(harmless.train, s.harmlessTrain, false),
    harmfulVal: keep(harmful.val, s.harmfulVal, true),
    harmlessVal: keep(harmless.val, s.harmlessVal, false),
  };
  const tooFew = Object.values(kept).some((xs) => xs.length < Math.min(MIN_FILTERED, params.nVal));
  const useFilter = params.filter && !tooFew;
  const final = useFilter ? kept : { harmfulTrain: harmful.train, harmlessTrain: harmless.train, harmfulVal: harmful.val, harmlessVal: harmless.val };
  const split: ReportInput['split'] = {
    harmful: {
      pool: inputs.harmful.length, train: final.harmfulTrain, val: final.harmfulVal, test: harmful.test,
      trainDropped: harmful.train.length - final.harmfulTrain.length, valDropped: harmful.val.length - final.harmfulVal.length,
    },
    harmless: {
      pool: inputs.harmless.length, train: final.harmlessTrain, val: final.harmlessVal, test: harmless.test,
      trainDropped: harmless.train.length - final.harmlessTrain.length, valDropped: harmless.val.length - final.harmlessVal.length,
    },
    filtered: useFilter,
    filterFallback: params.filter && tooFew,
  };
  const share = (xs: number[]) => xs.filter((x) => x > 0).length / xs.length;

  // Candidates and selection.
  const directions = await candidateDirections(model, tpl(final.harmfulTrain), tpl(final.harmlessTrain), nPos, { ...run, batchSize: rowsPerPass });
  const selection = await selectDirection(model, tpl(final.harmfulVal), tpl(final.harmlessVal), directions, positions, refusalIds, {
    klThreshold: params.klThreshold, induceThreshold: params.induceThreshold, pruneLayerFraction: params.pruneLayerFraction, rowsPerPass,
  }, run);
  const chosen = selection.selected ?? selection.bestUnfiltered;

  let evaluation: Evaluation | null = null;
  const saved: ReportInput['saved'] = { direction: null, model: null };
  if (chosen !== null) {
    const c = selection.candidates[chosen];
    const r = vectorAt(directions, c.position + nPos, c.layer);
    const unit = unitVector(r);
    if (unit && params.evaluate) {
      evaluation = await evaluateDirection(model, {
        harmful: { instructions: harmful.test, prompts: tpl(harmful.test) },
        harmless: { instructions: harmless.test, prompts: tpl(harmless.test) },
        layer: c.layer, direction: r, unit, refusalTokens: refusalIds, judge: params.judge, maxNewTokens: params.maxNewTokens, rowsPerPass,
        lossWindows: inputs.lossWindows, lossTokens: params.lossTokens,
      }, run);
    }
    const record = { method: METHOD, model: model.source.spec, layer: c.layer, position: c.position, token: c.token, norm: c.norm, dModel: model.config.dModel, template, refusalTokens: tokenTexts };
    if (params.saveModel && !unit) throw new MarrUsageError('the selected direction is zero, so there is nothing to orthogonalise; drop --param saveModel');
    if (params.saveDirection) {
      await saveDirection(params.saveDirection, { ...record, direction: Array.from(r) });
      saved.direction = params.saveDirection;
    }
    if (params.saveModel && unit) {
      await saveOrthogonalizedModel(model, orthogonalizeWeights(model.weights, unit), params.saveModel, record);
      saved.model = params.saveModel;
    }
  } else if (params.saveDirection || params.saveModel) {
    throw new MarrUsageError('no candidate direction has finite scores, so there is nothing to save; check the refusal tokens and the prompts');
  }

  return buildReport({
    model, params, template, refusalTokens: tokenTexts.map((text, i) => ({ text, id: refusalIds[i] })), positions, split,
    trainRefusing: { harmful: share(s.harmfulTrain), harmless: share(s.harmlessTrain) },
    selection, chosen, evaluation, saved,
  });
}
