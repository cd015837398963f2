/**
 * The terminal renderer: summary, key numbers and tables as plain text (figures and artifacts are
 * named, with a pointer to report.html / report.json). Every string from the report is made
 * terminal-safe first.
 */
import { formatNumber, terminalSafe, terminalSafeLine } from './format.js';
import type { Report, ReportEnvelope, ReportSection, TableSection } from './types.js';

export interface TerminalOptions {
  /** Maximum table rows when a table does not set `terminalRows` (default 20). */
  maxRows?: number;
  /** Maximum characters per table cell (default 40). */
  maxCell?: number;
}

function cell(value: string | number | boolean | null, maxCell: number): string {
  const text = value === null ? '' : typeof value === 'number' ? formatNumber(value) : terminalSafe(String(value));
  const oneLine = text.replace(/\n/g, '\\n').replace(/\t/g, ' ');
  return oneLine.length > maxCell ? oneLine.slice(0, maxCell - 1) + '…' : oneLine;
}

function renderTable(section: TableSection, opts: Required<TerminalOptions>): string[] {
  const limit = section.terminalRows ?? opts.maxRows;
  const shown = section.rows.slice(0, limit);
  const grid = [section.columns.map((c) => cell(c, opts.maxCell)), ...shown.map((r) => r.map((v) => cell(v, opts.maxCell)))];
  const widths = section.columns.map((_, j) => Math.max(...grid.map((row) => row[j]?.length ?? 0)));
  const numeric = section.columns.map((_, j) => shown.length > 0 && shown.every((r) => typeof r[j] === 'number' || r[j] === null));
  const line = (row: string[]) =>
    row.map((v, j) => (numeric[j] ? v.padStart(widths[j]) : v.padEnd(widths[j]))).join('  ').trimEnd();
  const out = [`## ${terminalSafe(section.title)}`, line(grid[0]), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of grid.slice(1)) out.push(line(row));
  if (section.rows.length > shown.length) out.push(`... ${section.rows.length - shown.length} more rows in report.json / report.html`);
  return out;
}

function renderSection(section: ReportSection, opts: Required<TerminalOptions>): string[] {
  switch (section.kind) {
    case 'scalars': {
      const names = section.items.map((s) => terminalSafe(s.name));
      const width = Math.max(0, ...names.map((n) => n.length));
      return [
        `## ${terminalSafe(section.title)}`,
        ...section.items.map((s, i) => {
          const err = s.stderr !== undefined ? ` ± ${formatNumber(s.stderr)}` : '';
          const unit = s.unit ? ` ${terminalSafe(s.unit)}` : '';
          return `${names[i].padEnd(width)}  ${formatNumber(s.value)}${err}${unit}`;
        }),
      ];
    }
    case 'table':
      return renderTable(section, opts);
    case 'figure':
      return [`[figure] ${terminalSafe(section.figure.title)} (${section.figure.type}; see report.html)`];
    case 'artifact':
      return [`[artifact] ${terminalSafe(section.name)} [${section.shape.join(' x ')}] (values in report.json)`];
    case 'note':
      return [...(section.title ? [`## ${terminalSafe(section.title)}`] : []), terminalSafe(section.text)];
    case 'tokens': {
      // The strongest token of each line is marked «like this»; colours are in report.html.
      const shown = section.rows.slice(0, opts.maxRows);
      const lines = shown.map((r) => {
        let top = 0;
        r.values.forEach((v, i) => (v > r.values[top] ? (top = i) : undefined));
        const text = r.tokens.map((t, i) => (i === top ? `«${t}»` : t)).join('');
        return `${terminalSafe(r.label)}: ${terminalSafeLine(text)} (${formatNumber(r.values[top] ?? 0)})`;
      });
      const more = section.rows.length > shown.length ? [`... ${section.rows.length - shown.length} more lines in report.json / report.html`] : [];
      return [`## ${terminalSafe(section.title)} (${terminalSafe(section.valueLabel)})`, ...lines, ...more];
    }
  }
}

/** Plain-text rendering of a report (or a report.json envelope, which adds a header line). */
export function renderTerminal(report: Report | ReportEnvelope, options: TerminalOptions = {}): string {
  const opts: Required<TerminalOptions> = { maxRows: options.maxRows ?? 20, maxCell: options.maxCell ?? 40 };
  const lines: string[] = [];
  if ('analysis' in report) {
    const a = report.analysis;
    // A study's report (id `study:<name>`) spans the three levels rather than one.
    if (a.id.startsWith('study:')) lines.push(`# ${terminalSafe(a.title)} (multilevel study ${terminalSafe(a.id.slice(6))}; marr ${a.pluginVersion}; seed ${report.seed})`);
    else lines.push(`# ${terminalSafe(a.title)} (${a.id}, ${a.level}; ${terminalSafe(a.plugin)} ${a.pluginVersion}; seed ${report.seed})`);
  }
  lines.push(terminalSafe(report.summary));
  for (const section of report.sections) {
    lines.push('');
    lines.push(...renderSection(section, opts));
  }
  return lines.join('\n') + '\n';
}
