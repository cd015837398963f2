import { describe, expect, it } from 'vitest';
import { formatNumber, renderTerminal, terminalSafe, type Report } from '../../src/index.js';

describe('terminal renderer', () => {
  it('formats numbers with four significant digits', () => {
    expect(formatNumber(3.14159265)).toBe('3.142');
    expect(formatNumber(42)).toBe('42');
    expect(formatNumber(0.000012346)).toBe('1.235e-5');
    expect(formatNumber(123456.7)).toBe('123500');
    expect(formatNumber(Number.NaN)).toBe('NaN');
  });

  it('escapes control characters so token strings cannot drive the terminal', () => {
    expect(terminalSafe('a\u001b[31mred\u0007')).toBe('a\\u001b[31mred\\u0007');
    expect(terminalSafe('line\nnext\ttab')).toBe('line\nnext\ttab');
  });

  it('renders summary, scalars, aligned tables with a row limit, and points at figures and artifacts', () => {
    const report: Report = {
      summary: 'Two findings.',
      results: {},
      sections: [
        { kind: 'scalars', title: 'Key numbers', items: [{ name: 'loss', value: 1.23456, unit: 'nats', stderr: 0.01 }, { name: 'n', value: 7 }] },
        { kind: 'table', title: 'Tokens', columns: ['token', 'count'], rows: [['\u001bX', 10], ['bb', 2], ['c', 300]], terminalRows: 2 },
        { kind: 'figure', figure: { type: 'bar', title: 'Counts', x: { label: 'token' }, y: { label: 'count' }, categories: ['a'], series: [{ name: 's', values: [1] }] } },
        { kind: 'artifact', name: 'direction', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] },
        { kind: 'note', title: 'Caveat', text: 'Small sample.' },
      ],
    };
    expect(renderTerminal(report)).toBe(
      [
        'Two findings.',
        '',
        '## Key numbers',
        'loss  1.235 ± 0.01 nats',
        'n     7',
        '',
        '## Tokens',
        'token    count',
        '-------  -----',
        '\\u001bX     10',
        'bb           2',
        '... 1 more rows in report.json / report.html',
        '',
        '[figure] Counts (bar; see report.html)',
        '',
        '[artifact] direction [2 x 3] (values in report.json)',
        '',
        '## Caveat',
        'Small sample.',
        '',
      ].join('\n'),
    );
  });
});
