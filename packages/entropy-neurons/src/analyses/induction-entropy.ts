import { batches, defineAnalysis, MarrUsageError, z, type Hook, type HookedTransformer, type Report, type ReportSection } from '@marr/core';
import { defaultNullSpaceK, neuronGeometry } from '../geometry/neuron-geometry.js';
import { addDiagonalSums, headLabel, type HeadScore } from '../induction/induction-heads.js';
import { repeatedRandomTokens } from '../induction/repeated-tokens.js';
import { effectiveReadout } from '../readout/effective-unembedding.js';
import { cell, fmt, neuronName } from '../report/format.js';
import { layerParam, nullSpaceKParam } from './params.js';
import { REFERENCES } from './references.js';
import { inductionEntropyResults } from './results.js';
import { checkVocabulary, rankBy, resolveLayer, type StudyIo } from './study.js';

export const inductionEntropyParams = z.object({
  n: z.number().int().min(2).optional().describe('Random tokens per half (default min(50, (n_ctx - 1) / 2)); sequences are BOS + n tokens + the same n tokens.'),
  sequences: z.number().int().min(1).default(32).describe('Random sequences averaged over.'),
  layer: layerParam,
  nullSpaceK: nullSpaceKParam,
  neurons: z.number().int().min(1).default(5).describe('How many entropy neurons (the top by null-space fraction) are tracked per position.'),
  threshold: z.number().min(0).max(1).default(0.7).describe('Induction score above which a head counts as an induction head (0.7 in the paper).'),
  ablate: z.boolean().default(true).describe('BOS-ablate the induction heads (every query attends only to BOS) and measure the entropy neurons, entropy and loss again.'),
  draw: z
    .enum(['vocabulary', 'dataset'])
    .default('vocabulary')
    .describe('Where the random tokens come from: uniformly from the whole vocabulary (the paper), or uniformly from the token ids that occur in the text given with --data (in-distribution tokens, for small models trained on a narrow corpus).'),
  batchSize: z.number().int().min(1).default(8).describe('Sequences per forward pass.'),
});

export type InductionEntropyParams = z.output<typeof inductionEntropyParams>;
export type InductionEntropyResults = z.output<typeof inductionEntropyResults>;

interface PassResult {
  loss: Float64Array;
  entropy: Float64Array;
  /** The final norm's divisor (ln_final.hook_scale). */
  scale: Float64Array;
  /** [tracked neuron][position]. */
  acts: Float64Array[];
  /** Per layer, per head: summed diagonal means. */
  scores: Float64Array[] | null;
}

/** One pass over the sequences: per-position means of loss, entropy and the tracked activations (and head scores). */
async function inductionPass(
  model: HookedTransformer, seqs: number[][], n: number, layer: number, tracked: readonly number[],
  options: { batchSize: number; scores: boolean; hooks: Hook[]; label: string }, io: StudyIo,
): Promise<PassResult> {
  const { nLayers: L, nHeads: H, dMlp, dVocab: V } = model.config;
  const T = 2 * n + 1;
  const loss = new Float64Array(T - 1), entropy = new Float64Array(T - 1), scale = new Float64Array(T - 1);
  const acts = tracked.map(() => new Float64Array(T));
  const scores = options.scores ? Array.from({ length: L }, () => new Float64Array(H)) : null;
  const post = `blocks.${layer}.mlp.hook_post`;
  const patterns = options.scores ? Array.from({ length: L }, (_, l) => `blocks.${l}.attn.hook_pattern`) : [];
  for await (const batch of batches(seqs, { size: options.batchSize, signal: io.signal, progress: io.progress, label: options.label })) {
    const B = batch.items.length;
    const { logits, cache } = await model.runWithCache(batch.items, { cache: [post, 'ln_final.hook_scale', ...patterns], hooks: options.hooks });
    const a = cache.get(post).data;
    const sc = cache.get('ln_final.hook_scale').data;
    for (let b = 0; b < B; b++) {
      for (let p = 0; p < T; p++) tracked.forEach((j, t) => (acts[t][p] += a[(b * T + p) * dMlp + j]));
      for (let p = 0; p < T - 1; p++) {
        const o = (b * T + p) * V;
        let m = -Infinity;
        for (let i = 0; i < V; i++) m = Math.max(m, logits!.data[o + i]);
        let s = 0, t = 0;
        for (let i = 0; i < V; i++) {
          const w = Math.exp(logits!.data[o + i] - m);
          s += w;
          t += w * logits!.data[o + i];
        }
        const lse = m + Math.log(s);
        loss[p] += lse - logits!.data[o + batch.items[b][p + 1]];
        scale[p] += sc[b * T + p];
        entropy[p] += lse - t / s;
      }
    }
    if (scores) for (let l = 0; l < L; l++) addDiagonalSums(cache.get(patterns[l]).data, B, H, T, n, scores[l]);
  }
  const S = seqs.length;
  for (const x of [loss, entropy, scale, ...acts]) for (let i = 0; i < x.length; i++) x[i] /= S;
  if (scores) for (const s of scores) for (let h = 0; h < H; h++) s[h] /= S;
  return { loss, entropy, scale, acts, scores };
}

/** Edit hooks that make every query of the given heads attend only to position 0 (BOS). */
export function bosAblationHooks(heads: readonly { layer: number; head: number }[]): Hook[] {
  const byLayer = new Map<number, number[]>();
  for (const h of heads) byLayer.set(h.layer, [...(byLayer.get(h.layer) ?? []), h.head]);
  return [...byLayer].map(([layer, hs]) => ({
    name: `blocks.${layer}.attn.hook_pattern`,
    heads: hs,
    edit: (t) => {
      const T = t.shape[t.shape.length - 1];
      t.data.fill(0);
      for (let r = 0; r < t.data.length; r += T) t.data[r] = 1;
    },
  }));
}

function mean(x: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i];
  return to > from ? s / (to - from) : NaN;
}

/**
 * The analysis on a model. `pool`: the token ids to draw from (default: the whole vocabulary without
 * BOS and EOS).
 */
export async function inductionEntropyStudy(model: HookedTransformer, params: InductionEntropyParams, seed: number, io: StudyIo, pool?: ReadonlySet<number>): Promise<Report> {
  checkVocabulary(model);
  const cfg = model.config;
  const bos = cfg.bosTokenId ?? model.tokenizer?.bosTokenId ?? null;
  if (bos === null) throw new MarrUsageError('induction-entropy starts every sequence with BOS (and BOS-ablation points heads at it), but this model has no BOS token id; use a model whose config or tokenizer names one');
  const maxN = Math.floor((cfg.nCtx - 1) / 2);
  const n = params.n ?? Math.min(50, maxN);
  if (n > maxN) throw new MarrUsageError(`--param n=${n} makes sequences of ${2 * n + 1} tokens, longer than the model's context of ${cfg.nCtx}; pass n=${maxN} or less`);
  if (n < 2) throw new MarrUsageError(`the model's context of ${cfg.nCtx} tokens is too short for a repeated sequence; induction-entropy needs n_ctx >= 5`);
  const layer = resolveLayer(model, params.layer);
  const k = params.nullSpaceK ?? defaultNullSpaceK(cfg.dModel);
  if (k > cfg.dModel) throw new MarrUsageError(`--param nullSpaceK=${k} is larger than d_model = ${cfg.dModel}; pass a k from 1 to ${cfg.dModel}`);
  const readout = effectiveReadout(model, layer);
  const geometry = await neuronGeometry(readout.wOut, readout.W, k);
  const tracked = rankBy(geometry.nullSpaceFraction, Math.min(params.neurons, cfg.dMlp));
  const exclude = new Set<number>([cfg.eosTokenId, model.tokenizer?.eosTokenId ?? null].filter((x): x is number => x !== null));
  if (pool) for (let i = 0; i < cfg.dVocab; i++) if (!pool.has(i)) exclude.add(i);
  const seqs = repeatedRandomTokens({ bos, n, count: params.sequences, vocab: cfg.dVocab, exclude, seed });
  const clean = await inductionPass(model, seqs, n, layer, tracked, { batchSize: params.batchSize, scores: true, hooks: [], label: 'repeated random tokens' }, io);
  const heads: HeadScore[] = [];
  clean.scores!.forEach((s, l) => s.forEach((score, h) => heads.push({ layer: l, head: h, score, induction: score > params.threshold })));
  const induction = heads.filter((h) => h.induction).sort((a, b) => b.score - a.score || a.layer - b.layer || a.head - b.head);
  const ablated = params.ablate && induction.length > 0
    ? await inductionPass(model, seqs, n, layer, tracked, { batchSize: params.batchSize, scores: false, hooks: bosAblationHooks(induction), label: 'induction heads BOS-ablated' }, io)
    : null;
  const T = 2 * n + 1;
  const results: InductionEntropyResults = {
    n,
    sequences: seqs.length,
    heads,
    inductionHeads: induction.map((h) => headLabel(h.layer, h.head)),
    threshold: params.threshold,
    positions: Array.from({ length: T - 1 }, (_, p) => ({
      position: p,
      loss: clean.loss[p],
      entropy: clean.entropy[p],
      lossAblated: ablated ? ablated.loss[p] : null,
      entropyAblated: ablated ? ablated.entropy[p] : null,
      scale: clean.scale[p],
      scaleAblated: ablated ? ablated.scale[p] : null,
    })),
    neurons: tracked.map((j, t) => ({
      layer,
      neuron: j,
      nullSpaceFraction: geometry.nullSpaceFraction[j],
      norm: geometry.norm[j],
      activation: Array.from(clean.acts[t]),
      activationAblated: ablated ? Array.from(ablated.acts[t]) : null,
      firstHalf: mean(clean.acts[t], 1, n + 1),
      secondHalf: mean(clean.acts[t], n + 1, T),
      secondHalfAblated: ablated ? mean(ablated.acts[t], n + 1, T) : null,
    })),
    units: { loss: 'nats', entropy: 'nats' },
  };
  return { summary: inductionSummary(results, heads), results, sections: inductionSections(results) };
}

const verb = (from: number, to: number) => (to < from ? 'falls' : 'rises');

function inductionSummary(r: InductionEntropyResults, heads: HeadScore[]): string {
  const n = r.n;
  // Positions 1..n-1 predict tokens of the first half; n+1..2n-1 predict repeated tokens.
  const firstLoss = mean(r.positions.map((p) => p.loss), 1, n), secondLoss = mean(r.positions.map((p) => p.loss), n + 1, 2 * n);
  const firstH = mean(r.positions.map((p) => p.entropy), 1, n), secondH = mean(r.positions.map((p) => p.entropy), n + 1, 2 * n);
  const best = [...heads].sort((a, b) => b.score - a.score)[0];
  const headText = r.inductionHeads.length > 0
    ? `Induction heads (score > ${r.threshold}): ${r.inductionHeads.map((h) => `${h} (${fmt(heads.find((x) => headLabel(x.layer, x.head) === h)!.score, 2)})`).join(', ')}.`
    : `No head scores above ${r.threshold} (the best is ${headLabel(best.layer, best.head)} at ${fmt(best.score, 2)}), so nothing is BOS-ablated (lower --param threshold to ablate the best heads anyway).`;
  const neuronText = r.neurons
    .slice(0, 3)
    .map((x) => `${neuronName(x.layer, x.neuron)} goes from ${fmt(x.firstHalf, 3)} to ${fmt(x.secondHalf, 3)}${x.secondHalfAblated !== null ? ` (${fmt(x.secondHalfAblated, 3)} with the induction heads BOS-ablated)` : ''}`)
    .join(', ');
  const abl = r.positions[0].lossAblated !== null
    ? ` BOS-ablating the induction heads brings the repeated half's loss to ${fmt(mean(r.positions.map((p) => p.lossAblated!), n + 1, 2 * n), 3)} and its entropy to ${fmt(mean(r.positions.map((p) => p.entropyAblated!), n + 1, 2 * n), 3)} nats.`
    : '';
  return (
    `On ${r.sequences} sequences of BOS + ${n} random tokens repeated, the loss ${verb(firstLoss, secondLoss)} from ${fmt(firstLoss, 3)} nats on the first half to ${fmt(secondLoss, 3)} on the repeated half and the entropy ${verb(firstH, secondH)} from ${fmt(firstH, 3)} to ${fmt(secondH, 3)} nats. ` +
    `${headText} The mean activation of the top entropy neurons (by null-space fraction) ${neuronText}.${abl}`
  );
}

function inductionSections(r: InductionEntropyResults): ReportSection[] {
  const x = r.positions.map((p) => p.position);
  const start = [{ kind: 'rule' as const, from: r.n + 0.5, label: 'repeat starts' }];
  const ablated = r.positions[0].lossAblated !== null;
  const T = 2 * r.n + 1;
  const sections: ReportSection[] = [
    {
      kind: 'figure',
      figure: {
        type: 'line',
        title: 'Loss and entropy per position',
        x: { label: 'position (predicting the next token)' },
        y: { label: 'nats' },
        series: [
          { name: 'loss', x, y: r.positions.map((p) => p.loss) },
          { name: 'entropy', x, y: r.positions.map((p) => p.entropy) },
          ...(ablated
            ? [
                { name: 'loss, induction heads BOS-ablated', x, y: r.positions.map((p) => p.lossAblated!) },
                { name: 'entropy, induction heads BOS-ablated', x, y: r.positions.map((p) => p.entropyAblated!) },
              ]
            : []),
        ],
        marks: start,
      },
      caption: `Means over ${r.sequences} sequences. Position p predicts token p + 1; positions ${r.n + 1}..${2 * r.n - 1} predict repeated tokens.`,
    },
    {
      kind: 'figure',
      figure: {
        type: 'line',
        title: "The final norm's scale per position",
        x: { label: 'position' },
        y: { label: 'ln_final.hook_scale' },
        series: [
          { name: 'scale', x, y: r.positions.map((p) => p.scale) },
          ...(ablated ? [{ name: 'scale, induction heads BOS-ablated', x, y: r.positions.map((p) => p.scaleAblated!) }] : []),
        ],
        marks: start,
      },
      caption: 'Entropy neurons act through this divisor: a larger scale shrinks every logit and raises the entropy.',
    },
    {
      kind: 'figure',
      figure: {
        type: 'line',
        title: 'Entropy neurons\' activation per position',
        x: { label: 'position' },
        y: { label: 'mean activation' },
        series: r.neurons.map((nr) => ({ name: neuronName(nr.layer, nr.neuron), x: Array.from({ length: T }, (_, i) => i), y: nr.activation })),
        marks: start,
      },
      caption: 'The top neurons by null-space fraction. In GPT-2 small, entropy neuron 11.2378 fires on the repeated half and keeps the model from being over-confident there.',
    },
  ];
  if (ablated) {
    sections.push({
      kind: 'figure',
      figure: {
        type: 'line',
        title: 'Entropy neurons\' activation with the induction heads BOS-ablated',
        x: { label: 'position' },
        y: { label: 'mean activation' },
        series: r.neurons.map((nr) => ({ name: neuronName(nr.layer, nr.neuron), x: Array.from({ length: T }, (_, i) => i), y: nr.activationAblated! })),
        marks: start,
      },
      caption: `Heads ${r.inductionHeads.join(', ')} attend only to BOS at every position.`,
    });
  }
  const ranked = [...r.heads].sort((a, b) => b.score - a.score);
  sections.push(
    {
      kind: 'figure',
      figure: {
        type: 'bar',
        title: 'Induction scores',
        x: { label: 'head' },
        y: { label: `mean attention on the -(n - 1) diagonal`, domain: [0, 1] },
        categories: r.heads.map((h) => headLabel(h.layer, h.head)),
        series: [{ name: 'score', values: r.heads.map((h) => h.score) }],
      },
      caption: `Heads above ${r.threshold} are induction heads.`,
    },
    {
      kind: 'table',
      title: 'Entropy neurons on the two halves',
      columns: ['neuron', 'null-space fraction', 'norm', 'first half', 'repeated half', 'repeated half, ablated'],
      rows: r.neurons.map((nr) => [neuronName(nr.layer, nr.neuron), cell(nr.nullSpaceFraction), cell(nr.norm), cell(nr.firstHalf), cell(nr.secondHalf), cell(nr.secondHalfAblated)]),
    },
    {
      kind: 'table',
      title: 'Heads by induction score',
      columns: ['head', 'score', 'induction head'],
      rows: ranked.map((h) => [headLabel(h.layer, h.head), cell(h.score), h.induction]),
      terminalRows: 8,
    },
  );
  return sections;
}

export const inductionEntropyAnalysis = defineAnalysis({
  id: 'induction-entropy',
  title: 'Entropy neurons in induction',
  level: 'algorithmic',
  summary: 'Loss, entropy and the entropy neurons\' activation per position on repeated random tokens; induction-head scores and the effect of BOS-ablating the induction heads',
  description:
    'Sequences of BOS + n random tokens followed by the same n tokens (seeded). Per position, averaged over sequences: loss, entropy (nats) and the activation of the top entropy neurons ' +
    '(by null-space fraction of the effective unembedding). Every head gets an induction score, the mean attention on the offset -(n - 1) diagonal of its pattern (the authors\' ' +
    'detector); heads above the threshold (0.7) are induction heads. With ablate, the induction heads are BOS-ablated (every query attends only to BOS) and the same quantities are measured again.',
  references: REFERENCES,
  inputs: {
    models: { min: 1, max: 1 },
    data: { kind: 'text', required: false, description: 'with draw=dataset: text whose token ids the random tokens are drawn from' },
  },
  params: inductionEntropyParams,
  results: inductionEntropyResults,
  async run(ctx) {
    const model = ctx.models[0];
    if (ctx.params.draw === 'dataset') {
      if (!ctx.data || ctx.data.kind !== 'text') throw new MarrUsageError('--param draw=dataset draws the random tokens from a text dataset; pass one with --data <file.txt|.jsonl|.csv>, or use draw=vocabulary');
      if (!model.tokenizer) throw new MarrUsageError('--param draw=dataset needs the model\'s tokenizer; pass one with --tokenizer <path>');
      const pool = new Set<number>();
      for (const doc of ctx.data.documents) for (const id of model.tokenizer.encode(doc, { addBos: false })) pool.add(id);
      return inductionEntropyStudy(model, ctx.params, ctx.seed, ctx, pool);
    }
    if (ctx.data) throw new MarrUsageError('--data is only read with --param draw=dataset; add that parameter or leave --data out');
    return inductionEntropyStudy(model, ctx.params, ctx.seed, ctx);
  },
});
