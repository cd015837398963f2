/** Figures of one 2-D point cloud and its irreducibility: the cloud (coloured by label), the projection histogram, MI by angle. */
import type { FigureSection, Series } from '@marr/core';
import { normalisedProjection, type PointCloud } from '../irreducibility/mixture-index.js';
import type { Irreducibility } from '../irreducibility/irreducibility.js';
import { fmt } from './format.js';

/** At most this many labels get a series each; the rest are pooled as "other". */
export const MAX_LABEL_SERIES = 14;
/** Scatter plots show at most this many points (evenly spaced in the input order). */
export const MAX_SCATTER_POINTS = 4000;

/**
 * Series of a scatter plot, one per label (the `order` given, else by frequency; beyond MAX_LABEL_SERIES
 * labels the rare ones are pooled as "other"), points thinned evenly.
 */
export function labelledSeries(points: PointCloud, labels: readonly string[] | null, options: { order?: readonly string[]; maxPoints?: number } = {}): Series[] {
  const step = Math.max(1, Math.ceil(points.n / (options.maxPoints ?? MAX_SCATTER_POINTS)));
  const counts = new Map<string, number>();
  if (labels) for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const ranked = options.order ? options.order.filter((l) => counts.has(l)) : [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([l]) => l);
  const kept = new Set(ranked.slice(0, MAX_LABEL_SERIES));
  const byName = new Map<string, Series>();
  for (let i = 0; i < points.n; i += step) {
    const name = labels ? (kept.has(labels[i]) ? labels[i] : 'other') : 'points';
    let s = byName.get(name);
    if (!s) byName.set(name, (s = { name, x: [], y: [] }));
    s.x.push(points.data[i * points.d]);
    s.y.push(points.data[i * points.d + 1]);
  }
  const order = labels ? ranked.filter((l) => kept.has(l) && byName.has(l)) : ['points'];
  if (byName.has('other')) order.push('other');
  return order.map((n) => byName.get(n)!);
}

export interface PlaneFigureOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  labels: readonly string[] | null;
  /** What the labels are (for the caption), e.g. "the token". */
  labelMeaning?: string;
}

export function planeFigures(points: PointCloud, result: Irreducibility, options: PlaneFigureOptions): FigureSection[] {
  const { mixture, separability } = result;
  const z = normalisedProjection(points, mixture.a, mixture.b);
  const band: Series = { name: `|z| < ε (${fmt(100 * mixture.index, 1)}%)`, x: [], y: [] };
  const step = Math.max(1, Math.ceil(points.n / MAX_SCATTER_POINTS));
  for (let i = 0; i < points.n; i += step) {
    if (Math.abs(z[i]) < mixture.epsilon) {
      band.x.push(points.data[i * points.d]);
      band.y.push(points.data[i * points.d + 1]);
    }
  }
  // Histogram of z in 30 bins over [-3, 3] (values outside pooled into the end bins).
  const bins = 30;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < z.length; i++) counts[Math.min(bins - 1, Math.max(0, Math.floor(((z[i] + 3) / 6) * bins)))]++;
  const categories = counts.map((_, k) => (-3 + (6 * (k + 0.5)) / bins).toFixed(1));
  const deg = (r: number) => (180 * r) / Math.PI;
  return [
    {
      kind: 'figure',
      figure: {
        type: 'scatter', title: options.title, x: { label: options.xLabel }, y: { label: options.yLabel },
        series: [...labelledSeries(points, options.labels), ...(band.x.length > 0 ? [band] : [])],
      },
      caption: `${points.n} points${options.labels ? `, coloured by ${options.labelMeaning ?? 'label'}` : ''}; the last series marks the points within ε = ${mixture.epsilon} of the best mixture projection (M_ε = ${fmt(mixture.index)}).${points.n > MAX_SCATTER_POINTS ? ` Every ${step}th point is drawn.` : ''}`,
    },
    {
      kind: 'figure',
      figure: {
        type: 'bar', title: 'Normalised projection z = (a·f + b) / RMS at the optimum', x: { label: 'z' }, y: { label: 'points' },
        categories, series: [{ name: 'points', values: counts }],
      },
      caption: `M_ε is the share of points in the central band |z| < ${mixture.epsilon} (about half of the bar at 0 for ε = 0.1): a tall spike means part of the cloud lies on a line (a lower-dimensional mixture component).`,
    },
    {
      kind: 'figure',
      figure: {
        type: 'line', title: 'Mutual information between the rotated coordinates', x: { label: 'rotation angle (degrees)' }, y: { label: 'mutual information (bits)' },
        series: [{ name: 'MI', x: separability.angles.map(deg), y: separability.mutualInformation }],
        marks: [{ kind: 'rule', from: deg(separability.angle), label: `S = ${fmt(separability.index)} bits` }],
      },
      caption: 'S is the minimum over rotations: near 0 when some rotation makes the two coordinates independent (separable), high at every angle for a circle.',
    },
  ];
}
