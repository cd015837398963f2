import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '@marr/core';
import { marr } from './helpers.js';

describe('marr train', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marr-train-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trains a recipe into a model folder that loads through loadModel', async () => {
    const out = join(dir, 'tiny');
    const r = marr(['train', '--recipe', 'tiny', '--steps', '2', '--seed', '3', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^trained tiny \(seed 3\) in [\d.]+ s, held-out loss [\d.]+ nats\/token: /);
    const model = await loadModel(out);
    const ids = model.tokenizer!.encode('Monday');
    expect((await model.run(ids)).logits!.shape).toEqual([1, ids.length, model.config.dVocab]);
    await model.dispose();
  });

  it('names the valid recipes and required options on bad input', () => {
    const unknown = marr(['train', '--recipe', 'nope', '--out', join(dir, 'x')]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown recipe "nope"; available recipes: .*tiny/);
    const noOut = marr(['train', '--recipe', 'tiny']);
    expect(noOut.status).toBe(2);
    expect(noOut.stderr).toMatch(/--out <dir> is required/);
    const badSteps = marr(['train', '--recipe', 'tiny', '--steps', '0', '--out', join(dir, 'y')]);
    expect(badSteps.stderr).toMatch(/--steps must be an integer >= 1/);
  });
});
