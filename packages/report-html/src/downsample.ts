/**
 * Heatmaps too large to draw as one SVG rectangle per value (a 512 × 512 attention pattern would be
 * tens of megabytes) are shown block-averaged; the full values stay in report.json.
 */
import type { FigureSpec } from '@marr/core';

type Heatmap = Extract<FigureSpec, { type: 'heatmap' }>;

/** Most cells drawn per heatmap (128 × 128). */
export const MAX_HEATMAP_CELLS = 128 * 128;

/** Means of `factor`-long runs of labels' values: blocks [0, f), [f, 2f), ...; the last may be shorter. */
function blocks(n: number, factor: number): [number, number][] {
  const out: [number, number][] = [];
  for (let start = 0; start < n; start += factor) out.push([start, Math.min(n, start + factor)]);
  return out;
}

function blockLabel(labels: readonly string[], [from, to]: [number, number]): string {
  return to - from === 1 ? labels[from] : `${labels[from]} … ${labels[to - 1]}`;
}

/**
 * The heatmap itself when it has at most `maxCells` values; otherwise one whose cells are means over
 * blocks of `fx` columns and `fy` rows, the smallest equal factors that fit, with range labels.
 */
export function downsampleHeatmap(fig: Heatmap, maxCells = MAX_HEATMAP_CELLS): { figure: Heatmap; factor: [number, number] | null } {
  const nx = fig.xLabels.length;
  const ny = fig.yLabels.length;
  if (nx * ny <= maxCells) return { figure: fig, factor: null };
  let f = 2;
  while (Math.ceil(nx / f) * Math.ceil(ny / f) > maxCells) f++;
  const fx = Math.min(f, nx);
  const fy = Math.min(f, ny);
  const xb = blocks(nx, fx);
  const yb = blocks(ny, fy);
  const values = yb.map(([y0, y1]) =>
    xb.map(([x0, x1]) => {
      let sum = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += fig.values[y][x];
      return sum / ((y1 - y0) * (x1 - x0));
    }),
  );
  return {
    figure: { ...fig, xLabels: xb.map((b) => blockLabel(fig.xLabels, b)), yLabels: yb.map((b) => blockLabel(fig.yLabels, b)), values },
    factor: [fx, fy],
  };
}
