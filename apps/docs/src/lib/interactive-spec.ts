/**
 * The interactive version of a report figure: the same Vega-Lite spec that @marr/report-html renders to
 * static SVG, plus tooltips (hover values) on every mark that carries one and, for line and scatter
 * plots, zoom and pan (a scale-bound interval). Compiled to a Vega spec here, at build time, so the
 * browser only needs the Vega runtime.
 */
import type { FigureSpec } from '@marr/core';
import { figureToVegaLite } from '@marr/report-html';
import { compile } from 'vega-lite';

type Json = Record<string, unknown>;

/** Adds `tooltip: { field: 'tip' }` wherever report-html encodes the hover text as a description. */
function withTooltips(unit: Json): void {
  const encoding = unit.encoding as Json | undefined;
  const description = encoding?.description as Json | undefined;
  if (encoding && description?.field === 'tip') encoding.tooltip = { field: 'tip', type: 'nominal' };
  for (const layer of (unit.layer as Json[] | undefined) ?? []) withTooltips(layer);
}

/** Binds an interval to the x/y scales of the last layer (the data marks): drag to pan, wheel to zoom. */
function withZoom(spec: Json): void {
  const layers = spec.layer as Json[] | undefined;
  const target = layers?.[layers.length - 1];
  if (!target) return;
  target.params = [...((target.params as Json[] | undefined) ?? []), { name: 'zoom', select: 'interval', bind: 'scales' }];
}

export function interactiveVegaSpec(figure: FigureSpec): Json {
  const spec = structuredClone(figureToVegaLite(figure)) as unknown as Json;
  withTooltips(spec);
  if (figure.type === 'line' || figure.type === 'scatter') withZoom(spec);
  return compile(spec as never).spec as unknown as Json;
}

/** How many data values a figure holds (the browser test checks rendered figures are not empty). */
export function figureValueCount(figure: FigureSpec): number {
  switch (figure.type) {
    case 'line':
    case 'scatter':
      return figure.series.reduce((n, s) => n + s.x.length, 0);
    case 'bar':
      return figure.series.reduce((n, s) => n + s.values.length, 0);
    case 'heatmap':
      return figure.values.reduce((n, row) => n + row.length, 0);
  }
}
