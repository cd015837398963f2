/** What both analyses share: choosing the pairs, the metric, progress, and checking the metric's gap. */
import { MarrUsageError, patchingMetric, type PatchingMetric, type PatchingMetricName, type Progress } from '@marr/core';
import type { TokenizedPairs } from '../pairs/prompt-pairs.js';
import { fmt } from '../report/format.js';

export interface StudyIo {
  progress: Progress;
  signal: AbortSignal;
}

export function firstPairs(pairs: TokenizedPairs, max: number): TokenizedPairs {
  if (pairs.clean.length <= max) return pairs;
  const cut = <T>(xs: T[]) => xs.slice(0, max);
  return {
    clean: cut(pairs.clean), corrupted: cut(pairs.corrupted), answers: cut(pairs.answers), wrongs: cut(pairs.wrongs),
    cleanTokens: cut(pairs.cleanTokens), corruptedTokens: cut(pairs.corruptedTokens), lines: cut(pairs.lines),
  };
}

export function metricFor(name: PatchingMetricName, pairs: TokenizedPairs): PatchingMetric {
  return patchingMetric(name, pairs.answers, pairs.wrongs);
}

/** A progress callback for the library's (done, total) reports. */
export function progressTicker(io: StudyIo, label: string): (done: number, total: number) => void {
  let started = false;
  let last = 0;
  return (done, total) => {
    if (!started) {
      io.progress.start(label, Math.ceil(total));
      started = true;
    }
    const d = Math.floor(done);
    if (d > last) io.progress.tick(d - last);
    last = d;
    if (done >= total) io.progress.done();
  };
}

export function checkGap(clean: number, corrupted: number, metric: string): void {
  if (!(Math.abs(clean - corrupted) > 1e-9)) {
    throw new MarrUsageError(
      `the ${metric} metric is the same on the clean and the corrupted prompts (${fmt(clean, 6)}), so nothing can be normalised; choose pairs whose corrupted prompt changes the answer, or another metric`,
    );
  }
}
