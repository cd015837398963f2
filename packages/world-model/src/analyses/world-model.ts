import {
  defineAnalysis, MarrUsageError, phase, throwIfCancelled,
  type AnalysisContext, type DenseMatrix, type HookedTransformer, type Report, type TableDataset,
} from '@marr/core';
import { lastTokenActivations, mlpPostHook, residPostHook, tokenizePrompts, type LayerActivations } from '../activations/last-token.js';
import { activationFeatures } from '../entities/activation-table.js';
import { entityText, PROMPT_PRESETS, RANDOM_PREFIX_TOKENS, withRandomPrefix, type NameStyle, type PromptPreset } from '../entities/prompts.js';
import { splitEntities } from '../entities/split.js';
import { readEntities, type EntityColumns, type EntityTable } from '../entities/table.js';
import { predictiveNeurons } from '../neurons/single-neuron.js';
import { weightAlignment } from '../neurons/weight-alignment.js';
import { blockHoldout, chooseBlocks } from '../probe/block-holdout.js';
import { layerProbe, targetMatrix, type LayerProbe } from '../probe/layer-probe.js';
import { layerName, round } from '../report/sections.js';
import { sectionsOf, summaryOf } from '../report/world-model-report.js';
import { worldModelParams, type WorldModelParams } from './params.js';
import { worldModelResults, type LayerScores, type WorldModelResults } from './results.js';

export const REFERENCES = [
  { title: 'Gurnee & Tegmark (2023), Language Models Represent Space and Time', url: 'https://arxiv.org/abs/2310.02207' },
  { title: "The authors' code: wesg52/world-models", url: 'https://github.com/wesg52/world-models' },
];

const finite = (v: number | null): number | null => (v === null || !Number.isFinite(v) ? null : v);

/** The prefix a run uses. */
export function promptPrefix(params: Pick<WorldModelParams, 'prompt' | 'prefix'>): string {
  if (params.prompt === 'custom') return params.prefix;
  if (params.prefix !== '') throw new MarrUsageError(`prefix="${params.prefix}" is used only with prompt=custom; pass --param prompt=custom, or drop the prefix to use the ${params.prompt} preset`);
  if (params.prompt === 'random') return '';
  return PROMPT_PRESETS[params.prompt as PromptPreset];
}

function subset(m: DenseMatrix, idx: readonly number[]): DenseMatrix {
  const out = new Float64Array(idx.length * m.cols);
  idx.forEach((r, k) => out.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), k * m.cols));
  return { rows: idx.length, cols: m.cols, data: out };
}

function layerScores(l: { layer: number | null; hookPoint: string }, probe: LayerProbe): LayerScores {
  const t = probe.test;
  return {
    layer: l.layer,
    hookPoint: l.hookPoint,
    alpha: probe.fit.alpha,
    looMse: probe.fit.looMse[probe.fit.alphaIndex],
    r2: finite(t.r2), pearson: finite(t.pearson), spearman: finite(t.spearman), mae: finite(t.mae),
    proximityError: finite(t.proximityError),
    haversineKm: finite(t.haversineKm),
    trainR2: finite(probe.train.r2),
    perTarget: t.perTarget.map((s) => ({ target: s.target, r2: finite(s.r2), pearson: finite(s.pearson), spearman: finite(s.spearman), mae: finite(s.mae) })),
  };
}

function checkLayers(model: HookedTransformer, layers: readonly number[]): number[] {
  const n = model.config.nLayers;
  const bad = layers.find((l) => l >= n);
  if (bad !== undefined) throw new MarrUsageError(`layer ${bad} does not exist; the model has layers 0..${n - 1}`);
  return layers.length > 0 ? [...new Set(layers)].sort((a, b) => a - b) : Array.from({ length: n }, (_, l) => l);
}

export interface WorldModelIo {
  rng: AnalysisContext<unknown>['rng'];
  progress: AnalysisContext<unknown>['progress'];
  signal: AbortSignal;
}

/** The analysis on an entity table, with a model (activations collected) or without (features in the table). */
export async function worldModelStudy(model: HookedTransformer | null, table: TableDataset, params: WorldModelParams, io: WorldModelIo): Promise<Report> {
  const columns: EntityColumns = { nameColumn: params.nameColumn, targets: params.targets, groupColumn: params.groupColumn, splitColumn: params.splitColumn };
  if (table.kind !== 'table') throw new MarrUsageError('world-model reads an entity table (.csv/.tsv)');
  const entities: EntityTable = readEntities(table, columns);
  const prefix = model ? promptPrefix(params) : '';
  if (!model && (params.prompt !== 'empty' || params.prefix !== '' || params.suffix !== '')) throw new MarrUsageError('prompt, prefix and suffix apply only with a model; without one the table holds the activations');
  const split = splitEntities(entities.names.length, entities.isTest, { maxEntities: params.maxEntities, testFraction: params.testFraction, rng: io.rng });
  const used = split.used;
  const names = used.map((e) => entities.names[e]);
  const groups = entities.groups ? used.map((e) => entities.groups![e]) : null;
  const y = subset(targetMatrix(entities.targets), used);

  let layers: LayerActivations[];
  let sequences: number[][] = [];
  if (model) {
    const chosen = checkLayers(model, params.layers);
    sequences = tokenizePrompts(model, names.map((n) => prefix + entityText(n, params.nameStyle as NameStyle) + params.suffix));
    if (params.prompt === 'random') {
      sequences = withRandomPrefix(sequences, model.tokenizer!.bosTokenId, io.rng.fork());
      const long = sequences.findIndex((s) => s.length > model.config.nCtx);
      if (long >= 0) throw new MarrUsageError(`entity ${long + 1} is ${sequences[long].length} tokens with the random prefix, more than the model's context of ${model.config.nCtx}; drop long names or use another prompt`);
    }
    layers = await lastTokenActivations(model, sequences, chosen.map((l) => ({ layer: l, hookPoint: residPostHook(l) })), {
      batchSize: params.batchSize, signal: io.signal, progress: io.progress, label: 'resid_post at the last entity token',
    });
  } else {
    if (params.layers.length > 0) throw new MarrUsageError('layers applies only with a model; without one the table holds one set of activations');
    const { x } = activationFeatures(table, columns, entities);
    layers = [{ layer: null, hookPoint: 'table', x: subset(x, used) }];
  }

  const probing = phase(io.progress, 'ridge probes', layers.length);
  const probes = layers.map((l) => {
    throwIfCancelled(io.signal);
    const probe = layerProbe(entities.kind, entities.targetNames, l.x, y, split, params.alphas);
    probing.tick();
    return probe;
  });
  probing.done();
  const scores = layers.map((l, k) => layerScores(l, probes[k]));
  let bestIndex = 0;
  scores.forEach((s, k) => {
    if (s.looMse < scores[bestIndex].looMse) bestIndex = k;
  });
  const best = scores[bestIndex];
  const bestLayer = layers[bestIndex];
  const bestProbe = probes[bestIndex];

  let block: WorldModelResults['blockHoldout'] = null;
  if (params.blockHoldout && groups) {
    const blocks = chooseBlocks(groups, params.minBlockSize, params.maxBlocks);
    if (blocks.length > 0) {
      const holding = phase(io.progress, `block holdout by ${params.groupColumn}`, blocks.length);
      const result = blockHoldout({
        kind: entities.kind, x: bestLayer.x, y, groups, blocks, test: split.test, nominalPredictions: bestProbe.predictions, alpha: best.alpha, signal: io.signal, onBlock: () => holding.tick(),
      });
      holding.done();
      block = {
        layer: bestLayer.layer, groupColumn: params.groupColumn, alpha: best.alpha,
        proximityError: finite(result.proximityError), nominalProximityError: finite(result.nominalProximityError),
        blocks: result.blocks.map((b) => ({ ...b, proximityError: finite(b.proximityError), nominalProximityError: finite(b.nominalProximityError), error: finite(b.error), nominalError: finite(b.nominalError) })),
      };
    }
  }

  let neurons: WorldModelResults['neurons'] = null;
  if (params.neurons && model && bestLayer.layer !== null) {
    const t = entities.targetNames.length;
    const p = bestLayer.x.cols;
    const directions = entities.targetNames.map((target, j) => ({ target, direction: Float64Array.from({ length: p }, (_, q) => bestProbe.fit.coefficients.data[q * t + j]) }));
    const alignment = weightAlignment(model, directions, params.topNeurons, io.rng.fork());
    const [mlp] = await lastTokenActivations(model, sequences, [{ layer: bestLayer.layer, hookPoint: mlpPostHook(bestLayer.layer) }], {
      batchSize: params.batchSize, signal: io.signal, progress: io.progress, label: `mlp.hook_post of layer ${bestLayer.layer}`,
    });
    const predictive = predictiveNeurons(bestLayer.layer, mlp.x, entities.targetNames.map((target, j) => ({ target, values: Float64Array.from({ length: y.rows }, (_, i) => y.data[i * t + j]) })), split, params.topNeurons);
    neurons = {
      layer: bestLayer.layer,
      weightAlignment: { top: alignment.top.map((a) => ({ ...a, cosine: round(a.cosine, 6)! })), chance: alignment.chance.map((c) => ({ ...c, maxAbsCosine: round(c.maxAbsCosine, 6)! })) },
      predictive: predictive.map((n) => ({ ...n, trainR2: finite(n.trainR2), testR2: finite(n.testR2), testPearson: finite(n.testPearson) })),
    };
  }

  const results: WorldModelResults = {
    kind: entities.kind,
    targets: entities.targetNames,
    prompt: params.prompt === 'random' ? `<${RANDOM_PREFIX_TOKENS} random tokens>` : prefix,
    suffix: params.suffix,
    entities: { rows: entities.names.length, dropped: entities.dropped, used: used.length, train: split.train.length, test: split.test.length, split: split.from },
    layers: scores,
    best,
    blockHoldout: block,
    neurons,
  };
  const sections = sectionsOf(results, { y, pred: bestProbe.predictions, test: split.test, groups, groupColumn: params.groupColumn, bestName: layerName(bestLayer) });
  if (entities.dropped > 0) {
    const examples = entities.unreadable.map((u) => `data row ${u.row}, ${u.column} "${u.cell}"`).join('; ');
    sections.push({
      kind: 'note',
      title: 'Rows left out',
      text: `${entities.dropped} of ${entities.dropped + entities.names.length} rows were left out for an empty name or a missing target${examples ? `, or a target that is neither a number nor a date (${examples}${entities.unreadable.length === 5 ? '; ...' : ''})` : ''}.`,
    });
  }
  return { summary: summaryOf(results, model !== null), results, sections };
}

export const worldModelAnalysis = defineAnalysis({
  id: 'world-model',
  title: 'Space and time probes (world model)',
  level: 'algorithmic',
  summary: 'Linear ridge probes for where places are and when things happened, per layer, with block holdout and space/time neurons (Gurnee & Tegmark 2023)',
  description:
    'For every entity of a table (a place with latitude and longitude, or a dated entity with a year), the prompt BOS + prefix + name is run and the residual stream ' +
    'at its last token is read at every layer. Per layer, a ridge probe is fitted on the training entities (targets standardised with the training mean and ' +
    'standard deviation; latitude and longitude jointly with one penalty, chosen from logspace(0.8, 4.1, 12) by efficient leave-one-out as sklearn RidgeCV does) ' +
    'and scored on the test entities: R², Pearson, Spearman, mean absolute error, the great-circle error in km for places (latitude and longitude the right way round) ' +
    'and the proximity error (the share of other entities whose prediction is nearer to an entity\'s true value than its own). The best layer is the one with the ' +
    'smallest leave-one-out error (chosen on training entities alone). At that layer, each group of groupColumn is held out in turn (block holdout), and the MLP ' +
    'neurons whose input or output weights align with the probe direction, and the single neurons that best predict each target, are listed. Without a model, the ' +
    'table\'s other numeric columns are the activations.',
  references: REFERENCES,
  inputs: {
    models: { min: 0, max: 1 },
    data: { kind: 'table', required: true, description: 'an entity table (.csv/.tsv): a name column and target columns (latitude,longitude or a year/date), optionally group and split columns; without a model, also one numeric column per activation' },
    capabilities: ['tokenizer'],
  },
  params: worldModelParams,
  results: worldModelResults,
  async run(ctx) {
    if (!ctx.data || ctx.data.kind !== 'table') throw new MarrUsageError('world-model needs an entity table: pass --data entities.csv (a name column and latitude,longitude or a year)');
    return worldModelStudy(ctx.models[0] ?? null, ctx.data, ctx.params, ctx);
  },
});
