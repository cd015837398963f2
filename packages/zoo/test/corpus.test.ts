import { describe, expect, it } from 'vitest';
import { DEFAULT_MIX, generateCorpus } from '../src/corpus/corpus.js';
import { DAYS, MONTHS } from '../src/corpus/english-words.js';
import { allCalendarProblems, calendarAnswerWord, calendarPrompt, randomSkewedCalendarProblem } from '../src/corpus/generators/calendar.js';
import { createRng } from '@marr/core';
import { allRequests, isHeldOutRequest, requestPrompt } from '../src/corpus/generators/refusal.js';
import { CITIES, PEOPLE } from '../src/corpus/facts.js';

describe('organism corpus', () => {
  it('is deterministic in the seed and differs across seeds', () => {
    expect(generateCorpus(5, 50)).toEqual(generateCorpus(5, 50));
    expect(generateCorpus(5, 50)).not.toEqual(generateCorpus(6, 50));
  });

  it('mixes document kinds in the requested proportions', () => {
    const docs = generateCorpus(1, 20_000);
    const total = Object.values(DEFAULT_MIX).reduce((a, b) => a + b, 0);
    for (const [kind, w] of Object.entries(DEFAULT_MIX)) {
      const share = docs.filter((d) => d.kind === kind).length / docs.length;
      // binomial standard error at n = 20000 is below 0.0035; allow 4 of them
      expect(Math.abs(share - w / total), kind).toBeLessThan(0.014);
    }
    const only = generateCorpus(2, 100, { story: 0, german: 1, calendar: 0, facts: 0, refusal: 0, induction: 0 });
    expect(only.every((d) => d.kind === 'german')).toBe(true);
  });

  it('rejects a mix with no positive weight, naming the fix', () => {
    expect(() => generateCorpus(1, 1, { story: 0, german: 0, calendar: 0, facts: 0, refusal: 0, induction: 0 })).toThrow(/at least one document kind/);
  });

  it('states calendar arithmetic correctly (checked against Date arithmetic)', () => {
    const problems = allCalendarProblems();
    expect(problems).toHaveLength(6 * 7 + 11 * 12);
    for (const p of problems) {
      const answer = calendarAnswerWord(p);
      if (p.unit === 'days') {
        // 2024-01-01 was a Monday; move by ±count days with the calendar of the Date object
        const d = new Date(Date.UTC(2024, 0, 1 + p.start + (p.direction === 'after' ? p.count : -p.count)));
        expect(answer).toBe(DAYS[(d.getUTCDay() + 6) % 7]);
      } else {
        const d = new Date(Date.UTC(2024, p.start + (p.direction === 'after' ? p.count : -p.count), 1));
        expect(answer).toBe(MONTHS[d.getUTCMonth()]);
      }
    }
    expect(calendarPrompt({ unit: 'days', count: 3, direction: 'after', start: 0 })).toBe('three days after Monday is');
    expect(calendarAnswerWord({ unit: 'months', count: 2, direction: 'after', start: 10 })).toBe('January');
  });

  it('never puts held-out refusal requests in training documents', () => {
    const held = allRequests().filter(isHeldOutRequest);
    expect(held.some((r) => r.forbidden) && held.some((r) => !r.forbidden)).toBe(true);
    const texts = generateCorpus(3, 20_000).filter((d) => d.kind === 'refusal').map((d) => d.text);
    for (const r of held) expect(texts.some((t) => t.startsWith(requestPrompt(r) + ' '))).toBe(false);
    const forbidden = texts.filter((t) => t.includes('I cannot help'));
    expect(forbidden.length).toBeGreaterThan(100);
  });

  it('writes facts from the tables (every city and person appears)', () => {
    const text = generateCorpus(4, 20_000).filter((d) => d.kind === 'facts').map((d) => d.text).join(' ');
    for (const c of CITIES) expect(text).toContain(`${c.city} is a city in ${c.country} .`);
    for (const p of PEOPLE) expect(text).toContain(`${p.name} was born in ${p.born}`);
    expect(text).toContain('Sydney lies at latitude 34 south and longitude 151 east .');
  });

  it('repeats the random sequence exactly in induction documents', () => {
    for (const d of generateCorpus(7, 2000).filter((x) => x.kind === 'induction')) {
      const w = d.text.split(' ');
      expect(w.length % 2).toBe(0);
      expect(w.slice(0, w.length / 2)).toEqual(w.slice(w.length / 2));
    }
  });

  it('skews calendar counts as p(c) ∝ 1/c² when asked', () => {
    const rng = createRng(12);
    const counts = new Map<string, number>();
    const n = 40_000;
    for (let i = 0; i < n; i++) {
      const p = randomSkewedCalendarProblem(rng);
      counts.set(`${p.unit}:${p.count}`, (counts.get(`${p.unit}:${p.count}`) ?? 0) + 1);
    }
    for (const [unit, m] of [['days', 7], ['months', 12]] as const) {
      let z = 0;
      for (let c = 1; c < m; c++) z += 1 / (c * c);
      for (const c of [1, 2, 3]) {
        const expected = (n / 2) * (1 / (c * c)) / z;
        expect(Math.abs((counts.get(`${unit}:${c}`) ?? 0) - expected) / expected, `${unit} ${c}`).toBeLessThan(0.06);
      }
    }
  });
});
