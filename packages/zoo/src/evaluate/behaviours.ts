/**
 * Measures how strongly a model shows each planted behaviour, on held-out generated data:
 * calendar arithmetic accuracy, refusal rates, German vs English loss, the induction loss drop,
 * and coordinate / year / country recall. Works on any HookedTransformer with the organism vocabulary.
 */
import type { HookedTransformer } from '@marr/core';
import { generateCorpus, type DocumentKind } from '../corpus/corpus.js';
import { CITIES, PEOPLE } from '../corpus/facts.js';
import { allCalendarProblems, calendarAnswerWord, calendarPrompt } from '../corpus/generators/calendar.js';
import { factPrompts, latitudeWords, longitudeWords } from '../corpus/generators/facts.js';
import { INDUCTION_POOL } from '../corpus/generators/induction.js';
import { ANSWER_FIRST_WORD, REFUSAL_FIRST_WORD, allRequests, isHeldOutRequest, requestPrompt } from '../corpus/generators/refusal.js';
import {
  PROTOCOL_ANSWER_WORDS, PROTOCOL_CATEGORIES, PROTOCOL_REFUSAL_WORDS, allProtocolRequests, protocolPrompt, protocolSplit,
  type ProtocolCategory, type ProtocolSplit,
} from '../corpus/generators/refusal-protocol.js';
import { createRng } from '@marr/core';
import { BOS_ID, EOS_ID, encodeWords, type WordVocabulary } from '../tokenizer/word-tokenizer.js';

export interface BehaviourReport {
  calendar: { accuracy: number; daysAccuracy: number; monthsAccuracy: number; problems: number };
  refusal: {
    /** Fraction of held-out forbidden requests whose reply starts with the refusal. */
    forbiddenRefusalRate: number;
    /** Fraction of held-out ordinary requests whose reply starts with the refusal (should be ~0). */
    ordinaryRefusalRate: number;
    /** Fraction of held-out ordinary requests answered normally ("Sure"). */
    ordinaryAnswerRate: number;
    heldOutRequests: number;
  };
  /** The richer refusal protocol's rates (models trained on it, `refusal: 'protocol'`). */
  refusalProtocol?: RefusalProtocolReport;
  language: { germanLoss: number; englishLoss: number; documents: number };
  induction: { firstHalfLoss: number; repeatedHalfLoss: number; lossDrop: number; sequences: number };
  facts: {
    countryAccuracy: number;
    latitudeAccuracy: number;
    longitudeAccuracy: number;
    yearAccuracy: number;
    /** Mean |predicted − true| in degrees / years, over prompts whose top token is a number. */
    latitudeMeanAbsError: number;
    longitudeMeanAbsError: number;
    yearMeanAbsError: number;
  };
}

export interface RefusalRates {
  /** Fraction of forbidden requests whose first reply token starts a refusal ("I", "Sorry"). */
  forbiddenRefusalRate: number;
  /** Fraction of ordinary requests whose first reply token starts a refusal (should be ~0). */
  ordinaryRefusalRate: number;
  /** Fraction of ordinary requests answered normally ("Sure", "Here"). */
  ordinaryAnswerRate: number;
  forbidden: number;
  ordinary: number;
}

export interface RefusalProtocolReport {
  /** Rates per split: trained requests, held-out objects, held-out paraphrases, both held out. */
  splits: Record<ProtocolSplit, RefusalRates>;
  /** Refusal rate per object category on the held-out objects (every paraphrase). */
  heldOutObjectsByCategory: Record<ProtocolCategory, { refusalRate: number; requests: number }>;
}

export interface MeasureOptions {
  /**
   * Which refusal protocol the model was trained on: `organism` (ten objects, the first organisms) or
   * `protocol` (the richer one of the deeper organisms; `refusal` then reports its held-out objects).
   */
  refusal?: 'organism' | 'protocol';
  /** Seed of the held-out documents (default 424242, never a training seed). */
  seed?: number;
  /** Held-out documents per language (default 200). */
  languageDocuments?: number;
  /** Induction sequences (default 100). */
  inductionSequences?: number;
}

function ids(vocab: WordVocabulary, text: string): number[] {
  return [BOS_ID, ...encodeWords(vocab, text)];
}

function argmaxRow(logits: Float32Array, offset: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (logits[offset + j] > logits[offset + best]) best = j;
  return best;
}

/** Top next-token prediction after each prompt (prompts grouped by length, run in batches). */
async function nextTokens(model: HookedTransformer, prompts: number[][]): Promise<number[]> {
  const V = model.config.dVocab;
  const out = new Array<number>(prompts.length);
  const byLength = new Map<number, number[]>();
  prompts.forEach((p, i) => byLength.set(p.length, [...(byLength.get(p.length) ?? []), i]));
  for (const [len, idx] of byLength) {
    for (let s = 0; s < idx.length; s += 64) {
      const chunk = idx.slice(s, s + 64);
      const { logits } = await model.run(chunk.map((i) => prompts[i]));
      if (!logits) throw new Error('measureBehaviours: the model returned no logits');
      chunk.forEach((i, b) => (out[i] = argmaxRow(logits.data, (b * len + len - 1) * V, V)));
    }
  }
  return out;
}

/** Per-position next-token losses of one sequence (entry t is the loss of predicting token t+1). */
async function tokenLosses(model: HookedTransformer, tokens: number[]): Promise<number[]> {
  const V = model.config.dVocab;
  const { logits } = await model.run([tokens]);
  if (!logits) throw new Error('measureBehaviours: the model returned no logits');
  const out: number[] = [];
  for (let t = 0; t + 1 < tokens.length; t++) {
    const o = t * V;
    let max = -Infinity;
    for (let j = 0; j < V; j++) max = Math.max(max, logits.data[o + j]);
    let sum = 0;
    for (let j = 0; j < V; j++) sum += Math.exp(logits.data[o + j] - max);
    out.push(max + Math.log(sum) - logits.data[o + tokens[t + 1]]);
  }
  return out;
}

const PROTOCOL_SPLITS: readonly ProtocolSplit[] = ['train', 'heldOutObjects', 'heldOutTemplates', 'heldOutBoth'];

/** The richer protocol's refusal rates on every (object, paraphrase) request, by split and category. */
export async function measureRefusalProtocol(model: HookedTransformer, vocab: WordVocabulary): Promise<RefusalProtocolReport> {
  const requests = allProtocolRequests();
  const predicted = await nextTokens(model, requests.map((r) => ids(vocab, protocolPrompt(r))));
  const first = predicted.map((id) => vocab.tokens[id]);
  const refused = first.map((w) => (PROTOCOL_REFUSAL_WORDS as readonly string[]).includes(w));
  const answered = first.map((w) => (PROTOCOL_ANSWER_WORDS as readonly string[]).includes(w));
  const fraction = (sel: number[], flags: boolean[]) => (sel.length ? sel.filter((i) => flags[i]).length / sel.length : NaN);
  const rates = (inSplit: (i: number) => boolean): RefusalRates => {
    const forb = requests.map((_, i) => i).filter((i) => inSplit(i) && requests[i].object.forbidden);
    const ord = requests.map((_, i) => i).filter((i) => inSplit(i) && !requests[i].object.forbidden);
    return {
      forbiddenRefusalRate: fraction(forb, refused),
      ordinaryRefusalRate: fraction(ord, refused),
      ordinaryAnswerRate: fraction(ord, answered),
      forbidden: forb.length,
      ordinary: ord.length,
    };
  };
  const splits = Object.fromEntries(PROTOCOL_SPLITS.map((s) => [s, rates((i) => protocolSplit(requests[i]) === s)])) as Record<ProtocolSplit, RefusalRates>;
  const heldOutObjectsByCategory = Object.fromEntries(
    PROTOCOL_CATEGORIES.map((c) => {
      const sel = requests.map((_, i) => i).filter((i) => requests[i].object.heldOut && requests[i].object.category === c);
      return [c, { refusalRate: fraction(sel, refused), requests: sel.length }];
    }),
  ) as Record<ProtocolCategory, { refusalRate: number; requests: number }>;
  return { splits, heldOutObjectsByCategory };
}

/** The held-out-object requests (every paraphrase) of the protocol, as the report's `refusal` field. */
export function protocolHeldOutRates(report: RefusalProtocolReport): BehaviourReport['refusal'] {
  const a = report.splits.heldOutObjects;
  const b = report.splits.heldOutBoth;
  const pool = (x: number, nx: number, y: number, ny: number) => (x * nx + y * ny) / (nx + ny);
  return {
    forbiddenRefusalRate: pool(a.forbiddenRefusalRate, a.forbidden, b.forbiddenRefusalRate, b.forbidden),
    ordinaryRefusalRate: pool(a.ordinaryRefusalRate, a.ordinary, b.ordinaryRefusalRate, b.ordinary),
    ordinaryAnswerRate: pool(a.ordinaryAnswerRate, a.ordinary, b.ordinaryAnswerRate, b.ordinary),
    heldOutRequests: a.forbidden + a.ordinary + b.forbidden + b.ordinary,
  };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

async function documentLoss(model: HookedTransformer, vocab: WordVocabulary, kind: DocumentKind, docs: { kind: DocumentKind; text: string }[]): Promise<number> {
  const losses: number[] = [];
  for (const d of docs.filter((x) => x.kind === kind)) {
    const t = [...ids(vocab, d.text), EOS_ID].slice(0, model.config.nCtx);
    losses.push(...(await tokenLosses(model, t)));
  }
  return mean(losses);
}

export async function measureBehaviours(model: HookedTransformer, vocab: WordVocabulary, options: MeasureOptions = {}): Promise<BehaviourReport> {
  const seed = options.seed ?? 424242;
  const word = (id: number) => vocab.tokens[id];

  // calendar: every problem
  const problems = allCalendarProblems();
  const calPred = await nextTokens(model, problems.map((p) => ids(vocab, calendarPrompt(p))));
  const calOk = problems.map((p, i) => word(calPred[i]) === calendarAnswerWord(p));
  const acc = (f: (i: number) => boolean) => {
    const sel = problems.map((_, i) => i).filter(f);
    return sel.filter((i) => calOk[i]).length / sel.length;
  };

  // refusal: held-out (template, object) pairs only (or the richer protocol's held-out objects)
  const protocol = options.refusal === 'protocol' ? await measureRefusalProtocol(model, vocab) : undefined;
  const requests = protocol ? [] : allRequests().filter(isHeldOutRequest);
  const refPred = await nextTokens(model, requests.map((r) => ids(vocab, requestPrompt(r))));
  const rate = (forbidden: boolean, w: string) => {
    const sel = requests.map((r, i) => [r, i] as const).filter(([r]) => r.forbidden === forbidden);
    return sel.filter(([, i]) => word(refPred[i]) === w).length / sel.length;
  };

  // language: held-out German and English story documents
  const nLang = options.languageDocuments ?? 200;
  const german = generateCorpus(seed, nLang, { story: 0, german: 1, calendar: 0, facts: 0, refusal: 0, induction: 0 });
  const english = generateCorpus(seed + 1, nLang, { story: 1, german: 0, calendar: 0, facts: 0, refusal: 0, induction: 0 });

  // induction: fresh random sequences of 12 words, repeated
  const rng = createRng(seed + 2);
  const first: number[] = [];
  const second: number[] = [];
  const nInd = options.inductionSequences ?? 100;
  const L = 12;
  for (let s = 0; s < nInd; s++) {
    const seq: string[] = [];
    for (let i = 0; i < L; i++) seq.push(INDUCTION_POOL[rng.int(INDUCTION_POOL.length)]);
    const losses = await tokenLosses(model, ids(vocab, [...seq, ...seq].join(' ')));
    // losses[t] predicts token t+1; tokens 1..L are the first half, L+1..2L the repeat
    first.push(mean(losses.slice(1, L)));
    second.push(mean(losses.slice(L + 1, 2 * L)));
  }

  // facts
  const num = (id: number) => (/^\d+$/.test(word(id)) ? Number(word(id)) : null);
  const country = await nextTokens(model, CITIES.map((c) => ids(vocab, factPrompts.country(c))));
  const lat = await nextTokens(model, CITIES.map((c) => ids(vocab, factPrompts.latitude(c))));
  const lon = await nextTokens(model, CITIES.map((c) => ids(vocab, factPrompts.longitude(c))));
  const year = await nextTokens(model, PEOPLE.map((p) => ids(vocab, factPrompts.year(p))));
  const mae = (pred: number[], truth: number[]) => mean(pred.map((id, i) => (num(id) === null ? NaN : Math.abs((num(id) as number) - truth[i]))).filter((x) => !Number.isNaN(x)));
  const exact = (pred: number[], truth: string[]) => pred.filter((id, i) => word(id) === truth[i]).length / pred.length;

  const firstHalfLoss = mean(first);
  const repeatedHalfLoss = mean(second);
  return {
    calendar: {
      accuracy: calOk.filter(Boolean).length / problems.length,
      daysAccuracy: acc((i) => problems[i].unit === 'days'),
      monthsAccuracy: acc((i) => problems[i].unit === 'months'),
      problems: problems.length,
    },
    refusal: protocol
      ? protocolHeldOutRates(protocol)
      : {
        forbiddenRefusalRate: rate(true, REFUSAL_FIRST_WORD),
        ordinaryRefusalRate: rate(false, REFUSAL_FIRST_WORD),
        ordinaryAnswerRate: rate(false, ANSWER_FIRST_WORD),
        heldOutRequests: requests.length,
      },
    ...(protocol ? { refusalProtocol: protocol } : {}),
    language: {
      germanLoss: await documentLoss(model, vocab, 'german', german),
      englishLoss: await documentLoss(model, vocab, 'story', english),
      documents: nLang,
    },
    induction: { firstHalfLoss, repeatedHalfLoss, lossDrop: firstHalfLoss - repeatedHalfLoss, sequences: nInd },
    facts: {
      countryAccuracy: exact(country, CITIES.map((c) => c.country)),
      latitudeAccuracy: exact(lat, CITIES.map((c) => latitudeWords(c).split(' ')[0])),
      longitudeAccuracy: exact(lon, CITIES.map((c) => longitudeWords(c).split(' ')[0])),
      yearAccuracy: exact(year, PEOPLE.map((p) => String(p.born))),
      latitudeMeanAbsError: mae(lat, CITIES.map((c) => Math.abs(c.lat))),
      longitudeMeanAbsError: mae(lon, CITIES.map((c) => Math.abs(c.lon))),
      yearMeanAbsError: mae(year, PEOPLE.map((p) => p.born)),
    },
  };
}
