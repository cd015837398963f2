import '@marr/zoo'; // registers the shipped model names with loadModel
import { loadModel } from '@marr/core';
import { describe, expect, it } from 'vitest';
import { marr } from './helpers.js';

describe('marr hooks', () => {
  it('lists every hook point with the shape the model really produces for --seq tokens', async () => {
    const r = marr(['hooks', '--model', 'default', '--seq', '5', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { seq: number; hookPoints: { name: string; shape: number[]; optIn: string | null }[] };
    expect(out.seq).toBe(5);
    // The independent reference: a run of 5 tokens with every hook point (opt-in ones too) cached.
    const model = await loadModel('default');
    const run = await model.runWithCache([1, 5, 9, 12, 7], { optIn: true });
    expect(out.hookPoints.map((h) => h.name).sort()).toEqual(run.cache.names().sort());
    for (const h of out.hookPoints) expect(h.shape, h.name).toEqual([...run.cache.get(h.name).shape]);
    expect(out.hookPoints.find((h) => h.name === 'blocks.1.attn.hook_result')?.optIn).toBe('attnResult');
    expect(out.hookPoints.find((h) => h.name === 'blocks.1.attn.hook_z')?.optIn).toBeNull();
    await model.dispose();
  });

  it('prints a table, and explains a bad --seq', () => {
    const r = marr(['hooks', '--model', 'default']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/hook points of default .* 16 tokens/);
    expect(r.stdout).toMatch(/blocks\.0\.attn\.hook_result\s+\[1, 16, 4, 96\].*attnResult/);
    const bad = marr(['hooks', '--model', 'default', '--seq', '999']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--seq 999 is longer than the model's context of 64 tokens/);
  });
});
