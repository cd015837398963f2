/**
 * One self-contained, offline report.html: no scripts, no external resources, figures as inline SVG
 * (hover titles work without JavaScript), and every string from the report HTML-escaped.
 */
import { formatNumber, rerunCommand, type JsonValue, type Report, type ReportEnvelope, type ReportSection } from '@marr/core';
import { downsampleHeatmap } from './downsample.js';
import { escapeHtml as e } from './escape.js';
import { renderFigureSvg } from './svg.js';

export interface HtmlOptions {
  /** Most table rows written per table (default 2000; the rest are in report.json). */
  maxTableRows?: number;
  /** Most artifact values shown per artifact (default 64). */
  maxArtifactValues?: number;
}

const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1000px;padding:1.5rem;color:#222;background:#fff}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:1px solid #ddd}
.meta{color:#555;font-size:.9rem}.summary{font-size:1.05rem;background:#f6f8fa;padding:.75rem 1rem;border-radius:6px}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem;display:block;max-width:100%;overflow-x:auto}th,td{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#f6f8fa}
figure{margin:1rem 0;overflow-x:auto}figcaption{color:#555;font-size:.9rem}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem;white-space:pre-wrap;word-break:break-all}
details{margin:.5rem 0}.note{white-space:pre-wrap}.provenance td{word-break:break-all;min-width:4rem}
.toks{font-family:ui-monospace,monospace;font-size:.85rem;margin:.2rem 0;white-space:pre;overflow-x:auto;line-height:1.6}.tok{border-radius:2px}.toklabel{display:inline-block;min-width:9rem;color:#555;margin-right:.5rem}
svg title{display:none}
`;

function cellHtml(v: string | number | boolean | null): string {
  if (v === null) return '<td></td>';
  if (typeof v === 'number') return `<td class="num">${e(formatNumber(v))}</td>`;
  return `<td>${e(String(v))}</td>`;
}

function tableHtml(columns: string[], rows: (string | number | boolean | null)[][], max: number): string {
  const shown = rows.slice(0, max);
  const more = rows.length > shown.length ? `<p class="meta">${rows.length - shown.length} more rows in report.json.</p>` : '';
  return (
    `<table><thead><tr>${columns.map((c) => `<th>${e(c)}</th>`).join('')}</tr></thead><tbody>` +
    shown.map((r) => `<tr>${r.map(cellHtml).join('')}</tr>`).join('') +
    `</tbody></table>${more}`
  );
}

function jsonCell(v: JsonValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

async function sectionHtml(section: ReportSection, opts: Required<HtmlOptions>): Promise<string> {
  switch (section.kind) {
    case 'scalars':
      return (
        `<h2>${e(section.title)}</h2>` +
        tableHtml(
          ['quantity', 'value', '± stderr', 'unit', 'meaning'],
          section.items.map((s) => [s.name, s.value, s.stderr ?? null, s.unit ?? '', s.help ?? '']),
          opts.maxTableRows,
        )
      );
    case 'table':
      return `<h2>${e(section.title)}</h2>` + tableHtml(section.columns, section.rows, opts.maxTableRows);
    case 'figure': {
      let figure = section.figure;
      let note = '';
      if (figure.type === 'heatmap') {
        const shrunk = downsampleHeatmap(figure);
        if (shrunk.factor) {
          figure = shrunk.figure;
          note = ` Shown as means over blocks of ${shrunk.factor[0]} × ${shrunk.factor[1]} cells; every value is in report.json.`;
        }
      }
      let svg: string;
      try {
        svg = await renderFigureSvg(figure);
      } catch (err) {
        // A figure that cannot be drawn must not cost the rest of the report (its data is in report.json).
        return `<p class="meta">Figure “${e(figure.title)}” could not be drawn: ${e((err as Error).message)}</p>`;
      }
      const text = (section.caption ?? '') + note;
      const caption = text ? `<figcaption>${e(text.trim())}</figcaption>` : '';
      return `<figure role="img" aria-label="${e(figure.title)}">${svg}${caption}</figure>`;
    }
    case 'artifact': {
      const shown = section.data.slice(0, opts.maxArtifactValues).map((v) => formatNumber(v));
      const rest = section.data.length > shown.length ? `, … (${section.data.length} values in report.json)` : '';
      return (
        `<h2>Artifact: ${e(section.name)}</h2><p class="meta">shape [${section.shape.join(' × ')}]` +
        `${section.description ? ` — ${e(section.description)}` : ''}</p>` +
        `<details><summary>values</summary><p class="mono">${e(shown.join(', ') + rest)}</p></details>`
      );
    }
    case 'note':
      return `${section.title ? `<h2>${e(section.title)}</h2>` : ''}<p class="note">${e(section.text)}</p>`;
    case 'tokens':
      return tokensHtml(section);
  }
}

/** Token lines coloured by value (orange, opacity = value / the section's largest), each value on hover. */
function tokensHtml(section: Extract<ReportSection, { kind: 'tokens' }>): string {
  let max = 0;
  for (const r of section.rows) for (const v of r.values) if (Number.isFinite(v)) max = Math.max(max, Math.abs(v));
  const span = (t: string, v: number) => {
    const a = max > 0 && Number.isFinite(v) ? Math.min(1, Math.abs(v) / max) : 0;
    const bg = a > 0 ? ` style="background:rgba(${v < 0 ? '60,110,230' : '240,140,20'},${a.toFixed(3)})"` : '';
    return `<span class="tok"${bg} title="${e(formatNumber(v))}">${e(t)}</span>`;
  };
  const rows = section.rows.map((r) => `<div class="toks"><span class="toklabel">${e(r.label)}</span>${r.tokens.map((t, i) => span(t, r.values[i])).join('')}</div>`).join('');
  const caption = section.caption ? `<p class="meta">${e(section.caption)}</p>` : '';
  return `<h2>${e(section.title)}</h2><p class="meta">Colour: ${e(section.valueLabel)} (strongest ${e(formatNumber(max))}); hover a token for its value.</p>${rows}${caption}`;
}

function provenanceHtml(env: ReportEnvelope): string {
  const params = Object.entries(env.params).map(([k, v]) => [k, jsonCell(v)] as [string, string]);
  type Row = [string, string, string, number | null];
  const files: Row[] = [
    ...env.inputs.models.flatMap((m, i): Row[] => {
      const label = `model ${i + 1} (${m.spec}, ${m.format})`;
      return m.files.length > 0 ? m.files.map((f): Row => [label, f.path, f.sha256, f.bytes]) : [[label, '(no files)', '', null]];
    }),
    ...(env.inputs.data ? [['data', env.inputs.data.path, env.inputs.data.sha256, env.inputs.data.bytes] as Row] : []),
  ];
  const timings = Object.entries(env.timings.phases).map(([k, v]) => [k, v] as [string, number]);
  return (
    `<h2>Reproduce</h2><details open><summary>parameters, inputs, timings</summary>` +
    (params.length ? tableHtml(['parameter', 'value'], params, Infinity) : '<p>No parameters.</p>') +
    (files.length ? tableHtml(['input', 'path', 'sha256', 'bytes'], files, Infinity).replace('<table>', '<table class="provenance">') : '<p>No input files.</p>') +
    tableHtml(['phase', 'seconds'], [...timings, ['total', env.timings.totalSeconds]], Infinity) +
    `<p class="meta">Started ${e(env.timings.startedAt)}. Re-run with</p><pre class="mono rerun">${e(rerunCommand(env))}</pre></details>`
  );
}

/** The whole report as one HTML document. */
export async function renderHtml(report: Report | ReportEnvelope, options: HtmlOptions = {}): Promise<string> {
  const opts: Required<HtmlOptions> = { maxTableRows: options.maxTableRows ?? 2000, maxArtifactValues: options.maxArtifactValues ?? 64 };
  const env = 'analysis' in report ? report : null;
  const title = env ? env.analysis.title : 'marr report';
  // A study's report (analysis id `study:<name>`) spans the three levels rather than one.
  const study = env?.analysis.id.startsWith('study:') ? env.analysis.id.slice('study:'.length) : null;
  const meta = !env
    ? ''
    : study !== null
      ? `<p class="meta">multilevel study ${e(study)} · computational, algorithmic and implementational levels · seed ${env.seed} · marr ${e(env.marrVersion)}</p>`
      : `<p class="meta">${e(env.analysis.id)} · ${e(env.analysis.level)} level · plugin ${e(env.analysis.plugin)} ${e(env.analysis.pluginVersion)} · seed ${env.seed} · marr ${e(env.marrVersion)}</p>`;
  const body: string[] = [];
  for (const section of report.sections) body.push(await sectionHtml(section, opts));
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="marr${env ? ' ' + e(env.marrVersion) : ''}">`,
    `<title>${e(title)}</title><style>${STYLE}</style></head><body>`,
    `<header><h1>${e(title)}</h1>${meta}</header>`,
    `<p class="summary">${e(report.summary)}</p>`,
    ...body,
    env ? provenanceHtml(env) : '',
    '</body></html>',
    '',
  ].join('\n');
}
