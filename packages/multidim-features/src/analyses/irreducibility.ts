/**
 * `irreducibility`: M_ε and S of a 2-D point cloud read from a table: two columns as they are, or a pair
 * of principal components of more columns (e.g. activations exported one column per dimension).
 */
import { defineAnalysis, MarrUsageError, pca, phase, z, type Progress, type Report, type TableDataset } from '@marr/core';
import { irreducibility, type Irreducibility } from '../irreducibility/irreducibility.js';
import { pointCloud, type PointCloud } from '../irreducibility/mixture-index.js';
import { fmt } from '../report/format.js';
import { planeFigures } from '../report/plane-figures.js';
import { irreducibilityOptions, irreducibilityParams } from './irreducibility-params.js';
import { REFERENCES } from './references.js';
import { irreducibilityResults } from './results.js';

export const irreducibilityAnalysisParams = z.object({
  columns: z.array(z.string()).default([]).describe('The numeric columns of the table that make the cloud: two are used as they are; more are reduced by PCA and the pair `pcs` is used. Default: the first two numeric columns.'),
  pcs: z.tuple([z.number().int().min(0), z.number().int().min(0)]).default([0, 1]).describe('With more than two columns: the two principal components (0-based) that make the plane, e.g. [1, 2].'),
  labelColumn: z.string().default('').describe('A column whose values colour the scatter plot (e.g. the token); empty for none.'),
  maxPoints: z.number().int().min(2).default(20_000).describe('Use at most this many rows (the first ones; the authors cap clusters at 20,000 points).'),
  ...irreducibilityParams,
});

export type IrreducibilityAnalysisParams = z.output<typeof irreducibilityAnalysisParams>;

export interface PlaneInput {
  points: PointCloud;
  labels: string[] | null;
  xLabel: string;
  yLabel: string;
  /** Share of the columns' variance in the two components (null for two raw columns). */
  varianceShare: number | null;
}

function numericColumns(table: TableDataset): string[] {
  return table.columns.filter((c) => table.numeric[c] && !table.text[c]);
}

/** The cloud the parameters ask for, checked. */
export function planeFromTable(table: TableDataset, p: IrreducibilityAnalysisParams): PlaneInput {
  const numeric = numericColumns(table);
  const columns = p.columns.length > 0 ? p.columns : numeric.slice(0, 2);
  if (columns.length < 2) throw new MarrUsageError(`${table.path} has ${numeric.length} numeric column${numeric.length === 1 ? '' : 's'} (${numeric.join(', ') || 'none'}); the cloud needs two: pass a table with two numeric columns, or name them with --param columns=x,y`);
  for (const c of columns) {
    if (!table.columns.includes(c)) throw new MarrUsageError(`column "${c}" is not in ${table.path}; its columns are ${table.columns.join(', ')}`);
    if (table.text[c]) throw new MarrUsageError(`column "${c}" of ${table.path} is not numeric; choose numeric columns with --param columns=...`);
  }
  const n = Math.min(table.rowCount, p.maxPoints);
  if (n < 2) throw new MarrUsageError(`${table.path} has ${table.rowCount} row${table.rowCount === 1 ? '' : 's'}; the indices need at least 2 points`);
  for (const c of columns) {
    const v = table.numeric[c];
    for (let i = 0; i < n; i++) if (!Number.isFinite(v[i])) throw new MarrUsageError(`row ${i + 1} of ${table.path} has no finite number in column "${c}"; remove or fill that row`);
  }
  let labels: string[] | null = null;
  if (p.labelColumn) {
    if (!table.columns.includes(p.labelColumn)) throw new MarrUsageError(`labelColumn "${p.labelColumn}" is not in ${table.path}; its columns are ${table.columns.join(', ')}`);
    labels = Array.from({ length: n }, (_, i) => table.text[p.labelColumn]?.[i] ?? String(table.numeric[p.labelColumn][i]));
  }
  if (columns.length === 2) {
    const data = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      data[2 * i] = table.numeric[columns[0]][i];
      data[2 * i + 1] = table.numeric[columns[1]][i];
    }
    return { points: pointCloud(n, 2, data), labels, xLabel: columns[0], yLabel: columns[1], varianceShare: null };
  }
  const [i0, i1] = p.pcs;
  const k = Math.max(i0, i1) + 1;
  if (i0 === i1) throw new MarrUsageError(`pcs must name two different components, got [${i0}, ${i1}]`);
  if (k > Math.min(columns.length, n - 1)) throw new MarrUsageError(`pcs [${i0}, ${i1}] asks for component ${k - 1}, but ${columns.length} columns and ${n} rows give at most ${Math.min(columns.length, n - 1)} components`);
  const x = new Float64Array(n * columns.length);
  columns.forEach((c, j) => { for (let i = 0; i < n; i++) x[i * columns.length + j] = table.numeric[c][i]; });
  const fit = pca({ rows: n, cols: columns.length, data: x }, { components: k });
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    data[2 * i] = fit.scores.data[i * k + i0];
    data[2 * i + 1] = fit.scores.data[i * k + i1];
  }
  return {
    points: pointCloud(n, 2, data), labels, xLabel: `PC ${i0}`, yLabel: `PC ${i1}`,
    varianceShare: fit.explainedVarianceRatio[i0] + fit.explainedVarianceRatio[i1],
  };
}

export function verdict(r: Irreducibility): string {
  const lowM = r.mixture.index < 0.3, highS = r.separability.index > 0.3;
  return lowM && highS ? 'irreducible (low M, high S)' : !highS ? 'separable (S near 0)' : 'a mixture (high M)';
}

export function irreducibilityStudy(plane: PlaneInput, p: IrreducibilityAnalysisParams, seed: number, io: { progress?: Progress; signal?: AbortSignal } = {}): Report {
  const steps = p.iterations * p.restarts;
  const tick = io.progress ? phase(io.progress, 'mixture-index ascent', steps) : null;
  let last = 0;
  const r = irreducibility(plane.points, {
    ...irreducibilityOptions(p, seed), signal: io.signal,
    onProgress: (done) => { tick?.tick(done - last); last = done; },
  });
  tick?.done();
  const plain = plane.varianceShare === null ? `columns ${plane.xLabel} and ${plane.yLabel}` : `${plane.xLabel} and ${plane.yLabel} (${fmt(100 * plane.varianceShare, 1)}% of the variance)`;
  const summary =
    `Over ${plane.points.n} points (${plain}), the ε-mixture index is M = ${fmt(r.mixture.index)} (share of points within ε = ${p.epsilon} of the best projection) ` +
    `and the separability index is S = ${fmt(r.separability.index)} bits (minimum mutual information over rotations, at ${fmt((180 * r.separability.angle) / Math.PI, 1)}°), ` +
    `so (1 − M)·S = ${fmt(r.score)}: the cloud is ${verdict(r)}. Setting: ${p.setting === 'cluster' ? "the authors' real-cluster code (T = 1, 10 x 10 bins over the data range, 100 angles)" : "the authors' toy demos (T annealed, 40 x 40 bins over [-3, 3], 1000 angles)"}.`;
  return {
    summary,
    results: {
      setting: p.setting,
      points: plane.points.n,
      axes: [plane.xLabel, plane.yLabel],
      varianceShare: plane.varianceShare,
      mixtureIndex: r.mixture.index,
      separabilityIndex: r.separability.index,
      score: r.score,
      epsilon: p.epsilon,
      mixtureDirection: r.mixture.a,
      mixtureOffset: r.mixture.b,
      separabilityAngle: r.separability.angle,
      mutualInformation: { angles: r.separability.angles, bits: r.separability.mutualInformation },
    },
    sections: [
      {
        kind: 'scalars', title: 'Irreducibility',
        items: [
          { name: 'M_ε (mixture index)', value: r.mixture.index, help: `share of points with |z| < ${p.epsilon}; high means part of the cloud lies on a line` },
          { name: 'S (separability index)', value: r.separability.index, unit: 'bits', help: 'minimum mutual information over rotations; near 0 means separable' },
          { name: '(1 − M)·S', value: r.score, help: "the authors' ranking score" },
          { name: 'points', value: plane.points.n },
        ],
      },
      ...planeFigures(plane.points, r, { title: `The cloud (${plane.xLabel}, ${plane.yLabel})`, xLabel: plane.xLabel, yLabel: plane.yLabel, labels: plane.labels, labelMeaning: p.labelColumn }),
    ],
  };
}

export const irreducibilityAnalysis = defineAnalysis({
  id: 'irreducibility',
  title: 'Irreducibility of a 2-D feature (ε-mixture and separability indices)',
  level: 'algorithmic',
  summary: 'Whether a 2-D point cloud is one irreducible feature: the ε-mixture index M_ε and the separability index S (Engels et al. 2024)',
  description:
    'A feature is reducible when it is a mixture of lower-dimensional features (many points on a line: high M_ε) or separable into independent ones (some rotation makes the ' +
    'coordinates independent: S ≈ 0). M_ε is the largest share of points whose normalised projection (a·f + b)/RMS lies within ε of 0, found by gradient ascent on ' +
    'mean σ((ε − |z|)/T) from a random a and b = 0 (learning rate 0.1); S is the minimum over rotations of the histogram mutual information of the two coordinates, in bits. ' +
    "The setting parameter picks the authors' real-cluster choices (T = 1, 10 x 10 bins over the data range, 100 angles, the default) or their toy-demo choices " +
    '(T annealed 1 -> 0, the cloud normalised, 40 x 40 bins over [-3, 3], 1000 angles). The cloud is two numeric columns of a table, or two principal components of more columns.',
  references: REFERENCES,
  inputs: { data: { kind: 'table', required: true, description: 'a CSV/TSV table; two numeric columns are the cloud (or more, reduced by PCA), optionally a label column' } },
  params: irreducibilityAnalysisParams,
  results: irreducibilityResults,
  async run(ctx) {
    const table = ctx.data;
    if (!table || table.kind === 'text') throw new MarrUsageError('irreducibility needs a table: pass --data points.csv (two numeric columns, or more with --param pcs=...)');
    return irreducibilityStudy(planeFromTable(table, ctx.params), ctx.params, ctx.seed, ctx);
  },
});
