import { describe, expect, it } from 'vitest';
import { createRng } from '@marr/core';
import { normalizeWorldPlaceName, PROMPT_PRESETS, yearOf } from '../src/index.js';
import { withRandomPrefix } from '../src/entities/prompts.js';
import { chooseBlocks } from '../src/probe/block-holdout.js';

describe('entity tables', () => {
  it('reads dates as the authors\' fractional years (days since 1970 / 365.25 + 1970)', () => {
    expect(yearOf('1970-01-01')).toBe(1970);
    // 1986-09-15 is 6101 days after 1970-01-01
    expect(yearOf('1986-09-15')).toBeCloseTo(1970 + 6101 / 365.25, 10);
    expect(yearOf('1809')).toBe(1809);
    expect(yearOf('-384')).toBe(-384);
    expect(yearOf('0050-06-01')).toBeLessThan(51);
    expect(yearOf('0050-06-01')).toBeGreaterThan(50);
    expect(yearOf('')).toBeNaN();
    expect(yearOf('soon')).toBeNaN();
  });

  it('normalises world place names the authors\' way', () => {
    expect(normalizeWorldPlaceName('Springfield (Illinois)')).toBe("Illinois's Springfield ");
    expect(normalizeWorldPlaceName('Kingston, Jamaica')).toBe("Jamaica's Kingston");
    expect(normalizeWorldPlaceName('Paris')).toBe('Paris');
  });

  it('has the paper\'s prompt presets', () => {
    expect(PROMPT_PRESETS.coords).toBe('What are the lat/lon coordinates of ');
    expect(PROMPT_PRESETS.release).toBe('When was the release date of ');
    expect(PROMPT_PRESETS.empty).toBe('');
  });

  it('holds out the largest groups with enough members', () => {
    expect(chooseBlocks(['a', 'b', 'a', 'c', 'b', 'a', '', 'd'], 2, 5)).toEqual(['a', 'b']);
    expect(chooseBlocks(['a', 'b', 'a', 'c', 'b', 'a'], 1, 2)).toEqual(['a', 'b']);
  });
});

describe('the random prompt', () => {
  it('puts 10 seeded random ids from [100, the largest id) between BOS and the name', () => {
    const seqs = [[1, 300, 301], [1, 250], [1, 120, 400, 5]];
    const out = withRandomPrefix(seqs, 1, createRng(4));
    out.forEach((o, i) => {
      expect(o).toHaveLength(seqs[i].length + 10);
      expect(o[0]).toBe(1);
      expect(o.slice(11)).toEqual(seqs[i].slice(1));
      for (const t of o.slice(1, 11)) {
        expect(t).toBeGreaterThanOrEqual(100);
        expect(t).toBeLessThan(400);
      }
    });
    expect(withRandomPrefix(seqs, 1, createRng(4))).toEqual(out);
    expect(withRandomPrefix(seqs, 1, createRng(5))).not.toEqual(out);
  });
});
