// Time to render a large report as HTML (figures drawn by Vega to SVG) against serialising the same
// report as JSON, measured in the same run. Run: npm run bench -w @marr/report-html (after a build).
import { renderJson } from '@marr/core';
import { renderHtml } from '../dist/index.js';

const n = 5000;
const line = { type: 'line', title: 'Loss by step', x: { label: 'step' }, y: { label: 'loss' }, series: [0, 1, 2].map((k) => ({ name: `run ${k}`, x: Array.from({ length: n }, (_, i) => i), y: Array.from({ length: n }, (_, i) => 3 * Math.exp(-i / 800) + k * 0.1 + 0.05 * Math.sin(i)) })) };
const heat = { type: 'heatmap', title: 'Attention', x: { label: 'key' }, y: { label: 'query' }, xLabels: Array.from({ length: 64 }, (_, i) => `t${i}`), yLabels: Array.from({ length: 64 }, (_, i) => `t${i}`), values: Array.from({ length: 64 }, (_, i) => Array.from({ length: 64 }, (_, j) => (j <= i ? 1 / (i + 1) : 0))) };
const bar = { type: 'bar', title: 'Counts', x: { label: 'token' }, y: { label: 'count' }, categories: Array.from({ length: 50 }, (_, i) => `tok${i}`), series: [{ name: 'a', values: Array.from({ length: 50 }, (_, i) => i) }, { name: 'b', values: Array.from({ length: 50 }, (_, i) => 50 - i) }] };
const envelope = {
  schemaVersion: 1,
  analysis: { id: 'bench', title: 'Bench', level: 'algorithmic', plugin: 'bench', pluginVersion: '0.0.0' },
  marrVersion: '0.1.0', seed: 0, params: {}, inputs: { models: [], data: null },
  summary: 'A large report.', results: {},
  sections: [
    { kind: 'figure', figure: line }, { kind: 'figure', figure: heat }, { kind: 'figure', figure: bar },
    { kind: 'table', title: 'Rows', columns: ['i', 'token', 'value'], rows: Array.from({ length: 1000 }, (_, i) => [i, `<tok ${i}>`, Math.sqrt(i)]) },
  ],
  timings: { startedAt: new Date(0).toISOString(), totalSeconds: 0, phases: {} },
};

async function time(fn, reps) {
  await fn();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await fn();
  return (performance.now() - t0) / reps;
}
const json = await time(() => renderJson(envelope), 5);
const html = await time(() => renderHtml(envelope), 3);
const size = (await renderHtml(envelope)).length;
console.log(`report.json (baseline): ${json.toFixed(1)} ms`);
console.log(`report.html:            ${html.toFixed(1)} ms  (${(html / json).toFixed(1)}x baseline), ${(size / 1024).toFixed(0)} KiB`);
