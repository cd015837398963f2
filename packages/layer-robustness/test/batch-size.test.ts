import { afterEach, describe, expect, it } from 'vitest';
import { reloadSettings } from '@marr/core';
import { defaultBatchWindows } from '../src/interventions/sweep.js';

// The automatic batch keeps a batch's estimated memory (logit copies plus the fused graphs' attention
// arenas) under MARR_BATCH_MEMORY_MB: by the formula, by hand.
describe('defaultBatchWindows', () => {
  afterEach(() => {
    delete process.env.MARR_BATCH_MEMORY_MB;
    reloadSettings();
  });
  it('fits the budget: 160 MB by default, settable', () => {
    const perWindow = 4 * 128 * 512 + 7 * 8 * 128 * 128 * 5; // stories260K, 128-token windows
    expect(defaultBatchWindows(128, 512, 8, 5)).toBe(Math.floor((160 * 2 ** 20) / 4 / perWindow)); // 8
    process.env.MARR_BATCH_MEMORY_MB = '1600';
    reloadSettings();
    expect(defaultBatchWindows(128, 512, 8, 5)).toBe(Math.floor((1600 * 2 ** 20) / 4 / perWindow));
    expect(defaultBatchWindows(4096, 50257, 12, 12)).toBe(1); // a batch never goes below one window
    expect(defaultBatchWindows(2, 3, 1, 1)).toBe(256); // nor above 256
  });
});
