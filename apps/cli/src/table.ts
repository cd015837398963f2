/** Plain aligned text tables for CLI listings. */
import { terminalSafeLine } from '@marr/core/protocol';

export function formatTable(header: string[], rows: string[][]): string {
  const grid = [header, ...rows].map((r) => r.map((c) => terminalSafeLine(c)));
  const widths = header.map((_, j) => Math.max(...grid.map((r) => (r[j] ?? '').length)));
  const line = (r: string[]) => r.map((c, j) => (j === r.length - 1 ? c : c.padEnd(widths[j]))).join('  ').trimEnd();
  return [line(grid[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...grid.slice(1).map(line)].join('\n') + '\n';
}
