/**
 * The measurements both analyses make on one model: locate the German neuron, ablate it (losses and the
 * three path runs on the German windows), mine and validate trigrams.
 */
import { createRng, MarrUsageError, type HookedTransformer, type Progress } from '@marr/core';
import { contextEffect, ablationLosses, downstreamComponents, type ContextEffect, type ContextNeuron } from '../effects/context-effect.js';
import { meanOfRows } from '../effects/token-losses.js';
import { isCandidate, probeNeurons, rankProbes, type NeuronProbe } from '../locate/neuron-probes.js';
import { mineTrigrams, type MinedTrigram } from '../ngrams/mine.js';
import { commonTokens, passesValidation, trigramLosses, type TrigramLosses } from '../ngrams/validate.js';
import type { LanguageWindows } from './language-windows.js';

export interface MeasureIo {
  progress: Progress;
  signal: AbortSignal;
}

export interface LocateSettings {
  layer: number;
  neuron: number;
  positionStart: number;
  positionEnd: number;
  maxProbeRows: number;
  probeRows: 'token' | 'window';
  testFraction: number;
  C: number;
  minF1: number;
  batchSize: number;
}

export interface Located {
  probes: NeuronProbe[];
  /** The neuron analysed: the one asked for, else the best candidate, else the best neuron that fires more on German. */
  chosen: NeuronProbe;
  chosenIsCandidate: boolean;
  candidates: number;
}

export function probeSettings(p: LocateSettings, seed: number) {
  return { positionStart: p.positionStart, positionEnd: p.positionEnd, maxRows: p.maxProbeRows, rows: p.probeRows, testFraction: p.testFraction, C: p.C, seed, batchSize: p.batchSize };
}

export function checkNeuron(model: HookedTransformer, layer: number, neuron: number): void {
  if ((layer < 0) !== (neuron < 0)) throw new MarrUsageError('give both --param layer and --param neuron, or neither (the probes then choose)');
  if (layer >= model.config.nLayers) throw new MarrUsageError(`--param layer=${layer} is out of range: the model has layers 0..${model.config.nLayers - 1}`);
  if (neuron >= model.config.dMlp) throw new MarrUsageError(`--param neuron=${neuron} is out of range: each MLP has neurons 0..${model.config.dMlp - 1}`);
}

export async function locate(model: HookedTransformer, w: LanguageWindows, p: LocateSettings, seed: number, io: MeasureIo): Promise<Located> {
  checkNeuron(model, p.layer, p.neuron);
  if (p.positionStart >= w.contextLength) {
    throw new MarrUsageError(`--param positionStart=${p.positionStart} is past the end of the ${w.contextLength}-token windows; lower it or raise contextLength`);
  }
  const probes = await probeNeurons(model, w.german, w.english, { ...probeSettings(p, seed), signal: io.signal, progress: io.progress });
  const ranked = rankProbes(probes);
  const candidates = ranked.filter((x) => isCandidate(x, p.minF1));
  const asked = p.layer >= 0 ? probes.find((x) => x.layer === p.layer && x.neuron === p.neuron)! : null;
  const chosen = asked ?? candidates[0] ?? ranked.find((x) => x.meanGerman > x.meanEnglish) ?? ranked[0];
  return { probes, chosen, chosenIsCandidate: isCandidate(chosen, p.minF1), candidates: candidates.length };
}

export interface LossTable {
  germanClean: number;
  germanAblated: number;
  englishClean: number;
  englishAblated: number;
}

export interface PathLosses {
  /** The later components patched: every later layer's hook_attn_out and hook_mlp_out. */
  downstream: string[];
  clean: number;
  total: number;
  indirectRemoved: number;
  directOnly: number;
}

export interface Ablated {
  target: ContextNeuron;
  loss: LossTable;
  paths: PathLosses;
  /** Per-position losses of the four runs on the German windows. */
  german: ContextEffect;
}

export async function ablate(model: HookedTransformer, w: LanguageWindows, target: ContextNeuron, batchSize: number, io: MeasureIo): Promise<Ablated> {
  const downstream = downstreamComponents(model, target.layer);
  const german = await contextEffect(model, w.german, target, { batchSize, downstream, signal: io.signal, progress: io.progress, label: 'German: clean, ablated and path runs' });
  const english = await ablationLosses(model, w.english, target, { batchSize, signal: io.signal, progress: io.progress, label: 'English: clean and ablated' });
  const paths: PathLosses = {
    downstream,
    clean: meanOfRows(german.clean),
    total: meanOfRows(german.total),
    indirectRemoved: meanOfRows(german.indirectRemoved),
    directOnly: meanOfRows(german.directOnly),
  };
  return {
    target,
    german,
    paths,
    loss: { germanClean: paths.clean, germanAblated: paths.total, englishClean: meanOfRows(english.clean), englishAblated: meanOfRows(english.ablated) },
  };
}

export interface NgramSettings {
  maxCleanLoss: number;
  minLossIncrease: number;
  maxCandidates: number;
  validationPrompts: number;
  prefixLength: number;
  commonTokens: number;
  validationMaxCleanLoss: number;
  validationMinIncrease: number;
  batchSize: number;
}

export interface ValidatedTrigram extends MinedTrigram {
  losses: TrigramLosses;
  valid: boolean;
}

/**
 * Tokens that may be part of a trigram or a prefix: not BOS/EOS, not a special token written <...>, and
 * holding a letter (the authors' [a-zA-Z], widened to every script's letters so ä, ö, ü, ß count).
 */
export function letterTokens(model: HookedTransformer): (id: number) => boolean {
  const tok = model.tokenizer;
  const special = new Set([tok?.bosTokenId ?? model.config.bosTokenId, tok?.eosTokenId ?? model.config.eosTokenId].filter((x): x is number => x !== null && x !== undefined));
  const cache = new Map<number, boolean>();
  return (id) => {
    if (special.has(id)) return false;
    if (!tok) return true;
    let ok = cache.get(id);
    if (ok === undefined) {
      const s = tok.tokenString(id);
      ok = /\p{L}/u.test(s) && !/^<[^<>]*>$/.test(s.trim());
      cache.set(id, ok);
    }
    return ok;
  };
}

/** The prefix pool: the most frequent German tokens of the windows. */
export function prefixPool(model: HookedTransformer, german: readonly (readonly number[])[], k: number): number[] {
  return commonTokens(german, k, letterTokens(model));
}

export async function validateTrigrams(
  model: HookedTransformer,
  trigrams: readonly (readonly number[])[],
  pool: readonly number[],
  target: ContextNeuron,
  p: NgramSettings,
  seed: number,
  io: MeasureIo,
): Promise<TrigramLosses[]> {
  return trigramLosses(model, trigrams, pool, target, {
    prompts: p.validationPrompts, prefixLength: p.prefixLength, rng: createRng(seed), batchSize: p.batchSize, signal: io.signal, progress: io.progress,
  });
}

export async function ngrams(model: HookedTransformer, w: LanguageWindows, ablated: Ablated, p: NgramSettings, seed: number, io: MeasureIo): Promise<{ mined: number; trigrams: ValidatedTrigram[]; pool: number[] }> {
  const mined = mineTrigrams(w.german, ablated.german, { maxCleanLoss: p.maxCleanLoss, minLossIncrease: p.minLossIncrease, keepToken: letterTokens(model) });
  const pool = prefixPool(model, w.german, p.commonTokens);
  const chosen = pool.length === 0 ? [] : mined.slice(0, p.maxCandidates);
  const losses = await validateTrigrams(model, chosen.map((t) => t.tokens), pool, ablated.target, p, seed, io);
  const trigrams = chosen.map((t, i) => ({ ...t, losses: losses[i], valid: passesValidation(losses[i], p.validationMaxCleanLoss, p.validationMinIncrease) }));
  // Validated first, by the loss increase ablation causes on the random-prefix prompts.
  trigrams.sort((a, b) => Number(b.valid) - Number(a.valid) || b.losses.total - b.losses.clean - (a.losses.total - a.losses.clean));
  return { mined: mined.length, trigrams, pool };
}
