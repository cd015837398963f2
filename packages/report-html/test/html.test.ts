import { describe, expect, it } from 'vitest';
import type { Report, ReportEnvelope } from '@marr/core';
import { downsampleHeatmap, escapeHtml, figureToVegaLite, renderFigureSvg, renderHtml } from '../src/index.js';

const evil = `</td></svg><script>alert("x")</script><img src=x onerror=alert(1)>&amp;'`;

function envelope(report: Report): ReportEnvelope {
  return {
    schemaVersion: 1,
    analysis: { id: 'demo', title: `Demo ${evil}`, level: 'algorithmic', plugin: `p${evil}`, pluginVersion: '1.0.0' },
    marrVersion: '0.1.0',
    seed: 7,
    params: { label: evil, k: 3 },
    inputs: { models: [{ spec: evil, format: 'hf', files: [{ path: `/m/${evil}`, sha256: 'a'.repeat(64), bytes: 10 }] }], data: null },
    ...report,
    timings: { startedAt: '2026-01-01T00:00:00.000Z', totalSeconds: 1.5, phases: { analysis: 1.2 } },
  };
}

const everything: Report = {
  summary: `Summary ${evil}`,
  results: {},
  sections: [
    { kind: 'scalars', title: evil, items: [{ name: evil, value: 1.5, unit: evil, stderr: 0.1, help: evil }] },
    { kind: 'table', title: 'Tokens', columns: ['token', evil], rows: [[evil, 1], ['<s>', null]] },
    { kind: 'figure', caption: evil, figure: { type: 'bar', title: evil, x: { label: evil }, y: { label: 'count' }, categories: [evil, 'the', 'the'], series: [{ name: evil, values: [1, 2, 4] }] } },
    { kind: 'figure', figure: { type: 'heatmap', title: 'Attention', x: { label: 'key' }, y: { label: 'query' }, xLabels: ['<s>', 'the', 'the'], yLabels: [evil, 'b'], values: [[0.1, 0.2, 0.7], [1, 0, 0]], colorLabel: evil } },
    { kind: 'figure', figure: { type: 'line', title: 'Curve', x: { label: 'layer' }, y: { label: 'loss', scale: 'log' }, series: [{ name: evil, x: [0, 1, 2], y: [1, 2, 4], error: [0.1, 0.1, 0.2] }], marks: [{ kind: 'band', from: 0.5, to: 1.5, label: evil }, { kind: 'rule', from: 1, label: 'r' }] } },
    { kind: 'figure', figure: { type: 'scatter', title: 'Points', x: { label: 'a' }, y: { label: 'b' }, series: [{ name: 's', x: [1, 2, 3, 4], y: [4, 3, 2, 1] }, { name: 't', x: [0], y: [0] }] } },
    { kind: 'artifact', name: evil, shape: [2, 2], data: [1, 2, 3, 4], description: evil },
    { kind: 'note', title: evil, text: `line one\n${evil}` },
    { kind: 'tokens', title: evil, valueLabel: evil, caption: evil, rows: [{ label: evil, tokens: [evil, ' the', '<s>'], values: [0, 2, -1] }] },
  ],
};

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('renderHtml', () => {
  it('escapes every string, including token labels inside figures, and needs nothing from the network', async () => {
    const html = await renderHtml(envelope(everything));
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    // Token lines: escaped, the strongest token at full colour, a negative value in blue.
    expect(html).toContain('<span class="tok" style="background:rgba(240,140,20,1.000)" title="2"> the</span>');
    expect(html).toContain('<span class="tok" style="background:rgba(60,110,230,0.500)" title="-1">&lt;s&gt;</span>');
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<\/svg><script/);
    expect(html).toContain('&lt;script&gt;alert(');
    // Self-contained: no scripts, stylesheets, images or fonts fetched from anywhere.
    expect(html).not.toMatch(/<(link|iframe|object|embed|img|script)\b/i);
    // Attribute values removed, no tag may load anything.
    expect(html.replace(/"[^"]*"/g, '""')).not.toMatch(/<[a-zA-Z][^<>]*\s(src|href|xlink:href)=/i);
    expect(html).not.toMatch(/@import|url\((?!#)/i); // url(#id) is a local gradient
    for (const m of html.matchAll(/https?:\/\/[^\s"')]+/g)) expect(m[0]).toMatch(/^http:\/\/www\.w3\.org\//);
    expect((html.match(/<svg /g) ?? []).length).toBe(4);
    expect(html).toContain('--param k=3');
  });

  it('draws bars with heights proportional to the values and keeps repeated labels apart', async () => {
    const svg = await renderFigureSvg({ type: 'bar', title: 'b', x: { label: 'c' }, y: { label: 'v' }, categories: ['the', 'cat', 'the'], series: [{ name: 's', values: [1, 2, 4] }] });
    const heights = [...svg.matchAll(/aria-roledescription="bar" d="M[\d.]+,[\d.]+h[\d.]+v([\d.]+)h/g)].map((m) => Number(m[1]));
    expect(heights).toHaveLength(3);
    expect(heights[1] / heights[0]).toBeCloseTo(2, 6);
    expect(heights[2] / heights[0]).toBeCloseTo(4, 6);
    // Each bar has its own hover title, the two "the" bars included.
    expect([...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1])).toEqual(['the (s): 1', 'cat (s): 2', 'the (s): 4']);
  });

  it('draws one heatmap cell per value with its labels in the hover title', async () => {
    const svg = await renderFigureSvg({ type: 'heatmap', title: 'h', x: { label: 'k' }, y: { label: 'q' }, xLabels: ['a', 'a', 'b'], yLabels: ['r0', 'r1'], values: [[1, 2, 3], [4, 5, 6]] });
    const titles = [...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]);
    expect(titles).toHaveLength(6);
    expect(titles).toContain('r1 / b: 6');
    expect(titles.filter((t) => t.startsWith('r0 / a:'))).toEqual(['r0 / a: 1', 'r0 / a: 2']);
  });

  it('places scatter points at positions linear in the data', async () => {
    const svg = await renderFigureSvg({ type: 'scatter', title: 's', x: { label: 'x', domain: [0, 10] }, y: { label: 'y', domain: [0, 10] }, series: [{ name: 's', x: [0, 5, 10], y: [0, 5, 10] }] });
    const pts = [...svg.matchAll(/<path aria-label="[^"]*" role="graphics-symbol" aria-roledescription="point" transform="translate\(([-\d.]+),([-\d.]+)\)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(pts).toHaveLength(3);
    expect(pts[1][0] - pts[0][0]).toBeCloseTo(pts[2][0] - pts[1][0], 6);
    expect(pts[0][1] - pts[1][1]).toBeCloseTo(pts[1][1] - pts[2][1], 6);
    expect(pts[2][0]).toBeGreaterThan(pts[0][0]);
    expect(pts[2][1]).toBeLessThan(pts[0][1]);
  });

  it('leaves per-point tooltips out of very large figures', () => {
    const n = 5000;
    const spec = figureToVegaLite({ type: 'scatter', title: 's', x: { label: 'x' }, y: { label: 'y' }, series: [{ name: 's', x: Array.from({ length: n }, (_, i) => i), y: Array.from({ length: n }, (_, i) => i) }] }) as { data: { values: object[] } };
    expect(spec.data.values).toHaveLength(n);
    expect('tip' in spec.data.values[0]).toBe(false);
  });
});

describe('large heatmaps', () => {
  it('are block-averaged to at most MAX_HEATMAP_CELLS cells with range labels', () => {
    // 5 x 4 values 0..19, at most 6 cells: blocks of 2 x 2 -> 3 columns x 2 rows.
    const values = Array.from({ length: 4 }, (_, r) => Array.from({ length: 5 }, (_, c) => r * 5 + c));
    const fig = { type: 'heatmap' as const, title: 'h', x: { label: 'x' }, y: { label: 'y' }, xLabels: ['a', 'b', 'c', 'd', 'e'], yLabels: ['p', 'q', 'r', 's'], values };
    const { figure, factor } = downsampleHeatmap(fig, 6);
    expect(factor).toEqual([2, 2]);
    expect(figure.xLabels).toEqual(['a … b', 'c … d', 'e']);
    expect(figure.yLabels).toEqual(['p … q', 'r … s']);
    // Block means by hand: rows 0-1, cols 0-1 = (0+1+5+6)/4 = 3; cols 4 = (4+9)/2 = 6.5; rows 2-3 ...
    expect(figure.values).toEqual([[3, 5, 6.5], [13, 15, 16.5]]);
    expect(downsampleHeatmap(fig, 20).factor).toBeNull();
  });

  it('keep report.html small and say so in the caption', async () => {
    const n = 300;
    const html = await renderHtml({
      summary: 's',
      results: {},
      sections: [{ kind: 'figure', figure: { type: 'heatmap', title: 'big', x: { label: 'x' }, y: { label: 'y' }, xLabels: Array.from({ length: n }, (_, i) => `k${i}`), yLabels: Array.from({ length: n }, (_, i) => `q${i}`), values: Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => i + j)) } }],
    });
    expect(html.length).toBeLessThan(4_000_000);
    expect(html).toContain('Shown as means over blocks of 3 × 3 cells; every value is in report.json.');
    const titles = [...html.matchAll(/<title>([^<]*)<\/title><\/path>/g)].map((m) => m[1]);
    expect(titles).toHaveLength(100 * 100);
    expect(titles).toContain('q0 … q2 / k0 … k2: 2'); // mean of i + j over i, j in 0..2
  });
});

describe('large scatter plots', () => {
  it('carry no per-point titles, so their SVG stays small', async () => {
    const n = 3000;
    const svg = await renderFigureSvg({ type: 'scatter', title: 's', x: { label: 'x' }, y: { label: 'y' }, series: [{ name: 's', x: Array.from({ length: n }, (_, i) => i), y: Array.from({ length: n }, (_, i) => i % 7) }] });
    expect(svg).not.toContain('<title>');
    expect((svg.match(/aria-roledescription="point"|<path [^>]*transform="translate/g) ?? []).length).toBeGreaterThanOrEqual(n);
  });
});
