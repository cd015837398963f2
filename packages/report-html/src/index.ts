export { renderHtml, type HtmlOptions } from './html.js';
export { renderFigureSvg, addHoverTitles } from './svg.js';
export { figureToVegaLite, FIGURE_WIDTH, FIGURE_HEIGHT, TOOLTIP_POINT_LIMIT } from './vega-lite-spec.js';
export { escapeHtml } from './escape.js';
export { downsampleHeatmap, MAX_HEATMAP_CELLS } from './downsample.js';
