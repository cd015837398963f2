/**
 * The progress bar of `marr run`: label, bar, percentage and ETA on one stderr line, redrawn at most
 * ten times a second. Silent unless stderr is a terminal and CI is unset.
 *
 * Hand-written (about 40 lines) rather than a dependency: it implements @marr/core's three-method
 * Progress interface directly and needs no configuration.
 */
import type { Progress } from '@marr/core';

export function progressEnabled(stream: NodeJS.WriteStream = process.stderr): boolean {
  return Boolean(stream.isTTY) && !process.env.CI;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.ceil(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** One line of progress text, e.g. `bootstrap [#######-------------]  35% 35/100 ETA 4s`. */
export function progressLine(label: string, done: number, total: number, elapsedSeconds: number, width = 20): string {
  const frac = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(frac * width);
  const eta = done > 0 ? (elapsedSeconds / done) * (total - done) : Infinity;
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(frac * 100)).padStart(3)}% ${done}/${total} ETA ${formatSeconds(eta)}`;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr, enabled = progressEnabled(stream)): Progress {
  if (!enabled) return { start() {}, tick() {}, done() {} };
  let label = '';
  let total = 0;
  let count = 0;
  let started = 0;
  let lastDraw = 0;
  const draw = (force: boolean) => {
    const now = performance.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    const line = progressLine(label, count, total, (now - started) / 1000);
    // A terminal of unknown width reports 0 (or nothing) columns: write the whole line then.
    const width = stream.columns && stream.columns > 1 ? stream.columns - 1 : line.length;
    stream.write(`\r${line.slice(0, width)}\u001b[K`);
  };
  return {
    start(l, t) {
      label = l;
      total = t;
      count = 0;
      started = performance.now();
      draw(true);
    },
    tick(n = 1) {
      count += n;
      draw(count >= total);
    },
    done() {
      stream.write('\r\u001b[K');
    },
  };
}
