/**
 * Calendar arithmetic: "three days after Monday is Thursday", "two months after November is January".
 * Only "after" is generated (the problem type can express "before", for probes), which keeps the table a
 * small model must learn to 6·7 + 11·12 = 174 entries.
 */
import type { Rng } from '@marr/core';
import { DAYS, MONTHS, NUMBER_WORDS } from '../english-words.js';

export interface CalendarProblem {
  unit: 'days' | 'months';
  /** Offset 1..6 for days, 1..11 for months. */
  count: number;
  direction: 'after' | 'before';
  /** Index into DAYS or MONTHS. */
  start: number;
}

/** The answer's index: (start ± count) modulo the cycle length. */
export function calendarAnswer(p: CalendarProblem): number {
  const n = p.unit === 'days' ? 7 : 12;
  const step = p.direction === 'after' ? p.count : -p.count;
  return (((p.start + step) % n) + n) % n;
}

/** "three days after Monday is" (the prompt, without the answer). */
export function calendarPrompt(p: CalendarProblem): string {
  const names = p.unit === 'days' ? DAYS : MONTHS;
  const unitWord = p.count === 1 ? p.unit.slice(0, -1) : p.unit;
  return `${NUMBER_WORDS[p.count - 1]} ${unitWord} ${p.direction} ${names[p.start]} is`;
}

export function calendarAnswerWord(p: CalendarProblem): string {
  return (p.unit === 'days' ? DAYS : MONTHS)[calendarAnswer(p)];
}

/** Every calendar problem the corpus states (6·7 day problems and 11·12 month problems). */
export function allCalendarProblems(): CalendarProblem[] {
  const out: CalendarProblem[] = [];
  for (const unit of ['days', 'months'] as const) {
    const n = unit === 'days' ? 7 : 12;
    for (let count = 1; count < n; count++) for (let start = 0; start < n; start++) out.push({ unit, count, direction: 'after', start });
  }
  return out;
}

export function randomCalendarProblem(rng: Rng): CalendarProblem {
  const unit = rng.next() < 0.5 ? 'days' : 'months';
  const n = unit === 'days' ? 7 : 12;
  return { unit, count: 1 + rng.int(n - 1), direction: 'after', start: rng.int(n) };
}

export function generateCalendar(rng: Rng): string {
  const k = 2 + rng.int(3);
  const parts: string[] = [];
  for (let i = 0; i < k; i++) {
    const p = randomCalendarProblem(rng);
    parts.push(`${calendarPrompt(p)} ${calendarAnswerWord(p)} .`);
  }
  return parts.join(' ');
}

/**
 * Calendar problems with counts drawn with p(c) ∝ 1/c² ("the day after" most often). With uniform counts
 * neither the start nor the count alone predicts the answer, and the organism stays at chance; skewed
 * counts make the successor map learnable first (scripts/calendar-experiment.ts: 84% after 1000
 * calendar-only steps, against 28% after 600 uniform ones).
 */
export function randomSkewedCalendarProblem(rng: Rng): CalendarProblem {
  const unit = rng.next() < 0.5 ? 'days' : 'months';
  const n = unit === 'days' ? 7 : 12;
  let total = 0;
  for (let c = 1; c < n; c++) total += 1 / (c * c);
  let u = rng.next() * total;
  let count = n - 1;
  for (let c = 1; c < n; c++) {
    if (u < 1 / (c * c)) {
      count = c;
      break;
    }
    u -= 1 / (c * c);
  }
  return { unit, count, direction: 'after', start: rng.int(n) };
}

export function generateCalendarSkewed(rng: Rng): string {
  const k = 2 + rng.int(3);
  const parts: string[] = [];
  for (let i = 0; i < k; i++) {
    const p = randomSkewedCalendarProblem(rng);
    parts.push(`${calendarPrompt(p)} ${calendarAnswerWord(p)} .`);
  }
  return parts.join(' ');
}
