/**
 * `sparse-probe` (implementational): which neurons carry one binary feature. Probes every layer's
 * best single neuron, then runs the k sweep (rankers + optimal sparse probe) at the best layer.
 */
import { defineAnalysis, throwIfCancelled, z, type JsonValue, type Report } from '@marr/core';
import { binarize, positiveClass } from '../datasets/labels.js';
import { DEFAULT_OSP_MASTER_NODE_LIMIT, DEFAULT_OSP_MAX_ITERATIONS } from '@marr/sparse-regression';
import { PROBE_METHODS, defaultKValues } from '../probe/k-sweep.js';
import { layerSweep } from '../probe/layer-sweep.js';
import { byKTable, kSweepFigure, layerFigure, layerTable, optimalityTable, sections } from '../report/figures.js';
import { buildProbeInputs } from './build-inputs.js';
import { probeInputParams, probeInputs } from './input-params.js';
import { sparseProbeResults } from './results.js';

const params = z.object({
  ...probeInputParams,
  methods: z.array(z.enum(PROBE_METHODS)).default([...PROBE_METHODS]).describe(`methods that choose the k neurons: ${PROBE_METHODS.join(', ')}`),
  kValues: z.array(z.number().int().min(1)).default([]).describe('k values (default 1..8, 10, 12, 16, 32, 64, ... up to the layer width)'),
  layer: z.string().default('').describe('hook point for the k sweep (default: the layer whose best single neuron scores highest)'),
  candidates: z.number().int().min(1).max(500).default(50).describe('OSP: candidate neurons (top by mean difference)'),
  ospMaxK: z.number().int().min(1).max(16).default(8).describe('OSP: largest k solved exactly'),
  ospGamma: z
    .number()
    .gt(0)
    .optional()
    .describe(
      "OSP: select with a different ridge, C = ospGamma / n_train, then refit with C (default: unset, OSP optimises the probe's own objective with C; a stronger ridge proves faster but proves another problem optimal)",
    ),
  ospMaxIterations: z.number().int().min(1).default(DEFAULT_OSP_MAX_ITERATIONS).describe('OSP: master solves per k, a work limit (same report on every run; the bound and gap are reported when it stops the search)'),
  ospMasterNodeLimit: z.number().int().min(1).default(DEFAULT_OSP_MASTER_NODE_LIMIT).describe('OSP: branch-and-bound nodes per master solve, a work limit'),
  ospStallIterations: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('OSP: stop a k once this many master solves in a row each closed less than 1% of the gap (a work rule, reproducible; 0 = never)'),
  ospTimeLimitSeconds: z.number().gt(0).optional().describe('OSP: wall-clock limit per k (default none; when set, a stopped search depends on the machine and the report says it is not reproducible)'),
});

export const sparseProbe = defineAnalysis({
  id: 'sparse-probe',
  title: 'Sparse probing with optimal sparse probes',
  level: 'implementational',
  summary: 'Which neurons encode a binary feature: k-sparse probes by ranker and by exact MIO, with the best layer and neuron',
  description:
    'Gurnee et al. (2023), "Finding Neurons in a Haystack". Collects MLP activations (or reads a table), splits 70/30 with the seed, standardises, ' +
    'finds the best single neuron of each layer, then at the best layer fits L2 logistic probes on the top-k neurons of each ranker ' +
    '(mean difference, F statistic, mutual information, L1 logistic, random) and on the exact optimal k-sparse support of the probe\'s own objective ' +
    '(enumeration screened by cuts, or outer approximation with HiGHS, on the top candidates by mean difference, limited by work so reports are reproducible), ' +
    'reporting F1, precision, recall, MCC, ROC-AUC and PR-AUC, and for OSP the proven bound and gap.',
  references: [
    { title: 'Gurnee et al., Finding Neurons in a Haystack: Case Studies with Sparse Probing (2023)', url: 'https://arxiv.org/abs/2305.01610' },
    { title: 'wesg52/sparse-probing-paper', url: 'https://github.com/wesg52/sparse-probing-paper' },
  ],
  inputs: probeInputs,
  params,
  results: sparseProbeResults,
  async run(ctx): Promise<Report> {
    const p = ctx.params;
    // The positive class is checked as soon as the labels are known, before any activation is collected.
    const inputs = await buildProbeInputs(ctx, (labels, defaultPositive) => positiveClass(labels, p.positive || defaultPositive));
    const positive = positiveClass(inputs.labels, p.positive || inputs.defaultPositive);
    const labels = binarize(inputs.labels, positive);
    const width = Math.max(...inputs.layers.map((l) => l.x.cols));
    const kValues = p.kValues.length > 0 ? p.kValues : defaultKValues(width);
    ctx.log(`probing "${positive}" in ${inputs.source}`);
    ctx.progress.start('k sweep', p.methods.length * kValues.length);
    const result = await layerSweep(inputs.layers, labels, {
      seed: ctx.seed,
      testFraction: p.testFraction,
      C: p.C,
      methods: p.methods,
      kValues,
      candidates: p.candidates,
      ospMaxK: p.ospMaxK,
      ospGamma: p.ospGamma,
      ospMaxIterations: p.ospMaxIterations,
      ospMasterNodeLimit: p.ospMasterNodeLimit,
      ospStallIterations: p.ospStallIterations,
      ospTimeLimitMs: p.ospTimeLimitSeconds === undefined ? undefined : p.ospTimeLimitSeconds * 1000,
      sweepHookPoint: p.layer || undefined,
      onStep: () => {
        throwIfCancelled(ctx.signal);
        ctx.progress.tick();
      },
    });
    ctx.progress.done();
    const { sweep } = result;
    for (const t of sweep.ospSeconds) ctx.log(`OSP k=${t.k}: ${t.seconds.toFixed(2)} s`);
    const objective = sweep.selectionObjective;
    const objectiveText = objective
      ? objective.kind === 'probe'
        ? `the probe's own objective (class-balanced L2-logistic loss, C = ${objective.C})`
        : `a different selection objective (class-balanced L2-logistic loss, C = ospGamma / n_train = ${objective.C.toPrecision(4)}; the probes are refit with C = ${objective.refitC})`
      : '';
    const best = result.layers.find((l) => l.hookPoint === result.sweepHookPoint)!;
    const f1At = (method: string, k: number): number | undefined => sweep.byK.find((r) => r.method === method && r.k === k)?.f1;
    const ospLine = sweep.optimality.length
      ? ` OSP: ${sweep.optimality.filter((o) => o.optimal).length} of ${sweep.optimality.length} k values proven optimal` +
        (sweep.optimality.some((o) => !o.optimal) ? ` (largest remaining gap ${Math.max(...sweep.optimality.map((o) => o.gap ?? Infinity)).toExponential(2)})` : '') +
        ` for ${objectiveText}` +
        (sweep.optimality.some((o) => !o.reproducible) ? '; a wall-clock limit was set, so a search it stopped may differ between runs (not reproducible)' : '') +
        '.'
      : '';
    const summary =
      `Feature "${positive}" (${inputs.source}; ${result.trainSize} train / ${result.testSize} test examples). ` +
      `Best single neuron overall: ${best.bestNeuron} at ${best.hookPoint} (test F1 ${best.f1.toFixed(3)}). ` +
      `At that layer, mean-difference probes reach F1 ${f1At('mean-diff', 1)?.toFixed(3) ?? 'n/a'} at k=1 and ` +
      `${f1At('mean-diff', Math.max(...kValues.filter((k) => k <= width)))?.toFixed(3) ?? 'n/a'} at the largest k.` +
      ospLine;
    const results: { [key: string]: JsonValue } = {
      feature: positive,
      granularity: inputs.granularity,
      examples: { train: result.trainSize, test: result.testSize, positives: result.positives },
      bestLayer: result.sweepHookPoint,
      bestNeuron: best.bestNeuron,
      layers: result.layers.map((l) => ({ ...l })),
      byK: sweep.byK.map((r) => ({ ...r, layer: result.sweepHookPoint })),
      optimality: sweep.optimality.map((o) => ({ ...o })),
      selectionObjective: objective ? { ...objective } : null,
    };
    return {
      summary,
      results,
      sections: sections(
        {
          kind: 'scalars',
          title: 'Headline',
          items: [
            { name: `best single neuron F1 (${best.bestNeuron})`, value: best.f1 },
            { name: 'examples (train)', value: result.trainSize },
            { name: 'positives (all)', value: result.positives },
          ],
        },
        kSweepFigure(sweep.byK, `F1 vs k at ${result.sweepHookPoint}`),
        layerFigure(result.layers, 'Best single neuron per layer'),
        layerTable(result.layers),
        byKTable(sweep.byK),
        sweep.optimality.length ? optimalityTable(sweep.optimality) : null,
        sweep.optimality.length
          ? {
              kind: 'note',
              title: 'About optimality',
              text:
                `The optimal sparse probe minimises ${objectiveText} over supports of at most k of the top candidates by mean difference` +
                (objective?.kind === 'ospGamma' ? ', then refits the chosen support with C. ' : '. ') +
                '"proven optimal" means every support of size k was fitted (enumeration, chosen when it costs less than the outer approximation\'s work budget) or HiGHS closed the outer-approximation gap; ' +
                'otherwise the best support found is reported with its proven lower bound and gap. The searches stop at work limits (ospMaxIterations master solves, ospMasterNodeLimit nodes each, or ospStallIterations solves in a row that barely move the bound), ' +
                (sweep.optimality.some((o) => !o.reproducible) ? 'and at the wall-clock limit ospTimeLimitSeconds that was set: this report is not reproducible.' : 'so the same seed gives the same report.'),
            }
          : null,
      ),
    };
  },
});
