/**
 * Turns a report's declarative FigureSpec into a Vega-Lite spec. Category and token labels are passed
 * as data (a `params` array read by `labelExpr`), never spliced into expressions, and positions are
 * indexed so repeated labels (the same token twice) stay separate.
 */
import type { Axis, FigureSpec } from '@marr/core';
import type { TopLevelSpec } from 'vega-lite';

export const FIGURE_WIDTH = 560;
export const FIGURE_HEIGHT = 300;
/** Above this many points, scatter and line figures carry no per-point tooltips (keeps report.html small). */
export const TOOLTIP_POINT_LIMIT = 2000;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

function quantitativeScale(axis: Axis): Record<string, unknown> {
  const scale: Record<string, unknown> = axis.scale === 'log' ? { type: 'log' } : { zero: false };
  if (axis.domain) scale.domain = axis.domain;
  return scale;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(5)));
}

function xyFigure(fig: Extract<FigureSpec, { type: 'line' | 'scatter' }>): TopLevelSpec {
  const points = fig.series.reduce((n, s) => n + s.x.length, 0);
  const withTips = points <= TOOLTIP_POINT_LIMIT;
  const values = fig.series.flatMap((s) =>
    s.x.map((x, i) => ({
      series: s.name,
      x,
      y: s.y[i],
      ...(s.error ? { lo: s.y[i] - s.error[i], hi: s.y[i] + s.error[i] } : {}),
      ...(withTips ? { tip: `${s.name}: ${fig.x.label} = ${fmt(x)}, ${fig.y.label} = ${fmt(s.y[i])}${s.error ? ` ± ${fmt(s.error[i])}` : ''}` } : {}),
    })),
  );
  const x = { field: 'x', type: 'quantitative', title: fig.x.label, scale: quantitativeScale(fig.x) };
  const y = { field: 'y', type: 'quantitative', title: fig.y.label, scale: quantitativeScale(fig.y) };
  const color = { field: 'series', type: 'nominal', title: null, legend: fig.series.length > 1 ? { labelLimit: 320 } : null };
  const layers: Record<string, unknown>[] = [];
  // Mark labels: one row each, so labels of nearby marks never overprint; those in the right part of the
  // plot end at their mark instead of running past the edge (into the legend).
  const xs = fig.series.flatMap((s) => s.x).concat((fig.marks ?? []).flatMap((m) => [m.from, m.to ?? m.from]));
  const [xmin, xmax] = fig.x.domain ?? [Math.min(...xs), Math.max(...xs)];
  for (const [row, mark] of (fig.marks ?? []).entries()) {
    if (mark.kind === 'band') {
      layers.push({
        data: { values: [{ from: mark.from, to: mark.to ?? mark.from, label: mark.label }] },
        mark: { type: 'rect', opacity: 0.12, color: '#888' },
        encoding: { x: { field: 'from', type: 'quantitative' }, x2: { field: 'to' }, description: { field: 'label' } },
      });
    } else {
      layers.push({
        data: { values: [{ from: mark.from, label: mark.label }] },
        mark: { type: 'rule', strokeDash: [4, 3], color: '#666' },
        encoding: { x: { field: 'from', type: 'quantitative' }, description: { field: 'label' } },
      });
    }
    layers.push({
      data: { values: [{ from: mark.from, label: mark.label }] },
      mark: {
        type: 'text', baseline: 'top', dy: 3 + 12 * row, fontSize: 10, color: '#444',
        ...(xmax > xmin && (mark.from - xmin) / (xmax - xmin) > 0.6 ? { align: 'right', dx: -3 } : { align: 'left', dx: 3 }),
      },
      encoding: { x: { field: 'from', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
    });
  }
  const hasError = fig.series.some((s) => s.error);
  if (hasError) {
    layers.push({
      transform: [{ filter: 'isValid(datum.lo)' }],
      mark: { type: 'errorbar' },
      encoding: { x, y: { field: 'lo', type: 'quantitative', scale: quantitativeScale(fig.y), title: fig.y.label }, y2: { field: 'hi' }, color },
    });
  }
  const tip = withTips ? { description: { field: 'tip' } } : {};
  if (fig.type === 'line') {
    layers.push({ mark: { type: 'line' }, encoding: { x, y, color } });
    if (withTips && points <= 400) layers.push({ mark: { type: 'point', filled: true, size: 18 }, encoding: { x, y, color, ...tip } });
  } else {
    // Without tips, aria: false also stops Vega from labelling (and so titling) every point.
    layers.push({ mark: { type: 'point', filled: true, size: points > 500 ? 8 : 24, opacity: 0.8, ...(withTips ? {} : { aria: false }) }, encoding: { x, y, color, ...tip } });
  }
  return {
    $schema: SCHEMA,
    title: fig.title,
    width: FIGURE_WIDTH,
    height: FIGURE_HEIGHT,
    data: { values },
    layer: layers,
  } as unknown as TopLevelSpec;
}

function barFigure(fig: Extract<FigureSpec, { type: 'bar' }>): TopLevelSpec {
  const values = fig.series.flatMap((s) =>
    s.values.map((v, i) => ({ series: s.name, ci: i, value: v, tip: `${fig.categories[i]} (${s.name}): ${fmt(v)}` })),
  );
  return {
    $schema: SCHEMA,
    title: fig.title,
    width: Math.min(900, Math.max(FIGURE_WIDTH, fig.categories.length * Math.max(1, fig.series.length) * 10)),
    height: FIGURE_HEIGHT,
    params: [{ name: 'categories', value: fig.categories }],
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'ci', type: 'ordinal', title: fig.x.label, axis: { labelExpr: 'categories[datum.value]', labelAngle: fig.categories.length > 8 ? -60 : 0 } },
      xOffset: { field: 'series', type: 'nominal' },
      y: { field: 'value', type: 'quantitative', title: fig.y.label, scale: fig.y.scale === 'log' ? { type: 'log' } : {} },
      color: { field: 'series', type: 'nominal', title: null, legend: fig.series.length > 1 ? {} : null },
      description: { field: 'tip' },
    },
  } as unknown as TopLevelSpec;
}

function heatmapFigure(fig: Extract<FigureSpec, { type: 'heatmap' }>): TopLevelSpec {
  const cells = fig.xLabels.length * fig.yLabels.length;
  const withTips = cells <= 128 * 128; // every heatmap drawn by renderHtml (see downsample.ts)
  const values = fig.values.flatMap((row, yi) =>
    row.map((v, xi) => ({ xi, yi, v, ...(withTips ? { tip: `${fig.yLabels[yi]} / ${fig.xLabels[xi]}: ${fmt(v)}` } : {}) })),
  );
  const cell = (n: number) => Math.max(4, Math.min(28, Math.floor(640 / Math.max(1, n))));
  return {
    $schema: SCHEMA,
    title: fig.title,
    width: { step: cell(fig.xLabels.length) },
    height: { step: cell(fig.yLabels.length) },
    params: [
      { name: 'xLabels', value: fig.xLabels },
      { name: 'yLabels', value: fig.yLabels },
    ],
    data: { values },
    mark: { type: 'rect', ...(withTips ? {} : { aria: false }) },
    encoding: {
      x: { field: 'xi', type: 'ordinal', title: fig.x.label, axis: { labelExpr: 'xLabels[datum.value]', labelAngle: -60, labelOverlap: true } },
      y: { field: 'yi', type: 'ordinal', title: fig.y.label, axis: { labelExpr: 'yLabels[datum.value]', labelOverlap: true } },
      color: { field: 'v', type: 'quantitative', title: fig.colorLabel ?? null, scale: { scheme: 'viridis' } },
      ...(withTips ? { description: { field: 'tip' } } : {}),
    },
  } as unknown as TopLevelSpec;
}

export function figureToVegaLite(fig: FigureSpec): TopLevelSpec {
  switch (fig.type) {
    case 'line':
    case 'scatter':
      return xyFigure(fig);
    case 'bar':
      return barFigure(fig);
    case 'heatmap':
      return heatmapFigure(fig);
  }
}
