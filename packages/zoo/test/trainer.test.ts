import { createHookedTransformer, floatToHalf, halfToFloat, loadModel, readSafetensorsHeader } from '@marr/core';
import { wrapParameters, type Parameters } from '../src/train/parameters.js';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getRecipe } from '../src/recipes.js';
import { train, type TrainProgress } from '../src/train/trainer.js';
import { toTransformerLensWeights } from '../src/export/transformer-lens.js';
import { learningRate } from '@marr/core';
import { logSpacedSteps } from '../src/train/optimizer.js';
import { BOS_ID, encodeWords } from '../src/tokenizer/word-tokenizer.js';

/** Core's reference-backend forward pass on a snapshot of the trained parameters (in memory, no files): logits for one row of ids. */
async function inMemoryLogits(p: Parameters, ids: number[]): Promise<Float32Array> {
  const model = createHookedTransformer({ config: p.config, weights: toTransformerLensWeights(p), backend: 'reference' });
  const logits = (await model.run([ids])).logits?.data ?? new Float32Array();
  await model.dispose();
  return logits;
}

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'marr-zoo-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('schedules', () => {
  it('warms up linearly, then follows a cosine from maxLr to minLr', () => {
    expect(learningRate(0, 100, 10, 1, 0.1)).toBeCloseTo(0.1, 12);
    expect(learningRate(9, 100, 10, 1, 0.1)).toBeCloseTo(1, 12);
    expect(learningRate(55, 100, 10, 1, 0.1)).toBeCloseTo(0.55, 12); // halfway: (max + min) / 2
    expect(learningRate(100, 100, 10, 1, 0.1)).toBeCloseTo(0.1, 12);
  });
  it('checkpoints at 0, 1, 2, 4, ... and the final step', () => {
    expect(logSpacedSteps(20)).toEqual([0, 1, 2, 4, 8, 16, 20]);
    expect(logSpacedSteps(16)).toEqual([0, 1, 2, 4, 8, 16]);
  });
});

describe('train', () => {
  it('is deterministic in the seed, lowers the loss, and writes an HF folder that loadModel runs identically', async () => {
    const recipe = getRecipe('tiny');
    const progress: TrainProgress[] = [];
    const a = await train(recipe, { seed: 3, steps: 24, out: tempDir(), progressEvery: 8, onProgress: (p) => progress.push(p) });
    const b = await train(recipe, { seed: 3, steps: 24, out: tempDir() });
    const c = await train(recipe, { seed: 4, steps: 24, out: tempDir() });
    expect(Array.from(a.parameters.data)).toEqual(Array.from(b.parameters.data));
    expect(Array.from(a.parameters.data)).not.toEqual(Array.from(c.parameters.data));
    expect(progress.map((p) => p.step)).toEqual([8, 16, 24]);
    expect(progress[2].tokensSeen).toBe(24 * recipe.batch * recipe.seq);

    // the loss starts near log(vocab) (uniform predictions) and falls
    const curve = a.record.lossCurve;
    expect(curve[0].loss).toBeGreaterThan(Math.log(a.vocab.tokens.length) - 0.2);
    expect(curve[curve.length - 1].loss).toBeLessThan(curve[0].loss - 0.5);

    // files and checkpoints
    const files = readdirSync(a.out);
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'training.json']) expect(files).toContain(f);
    expect(readdirSync(join(a.out, 'checkpoints')).sort()).toEqual(['step-0', 'step-1', 'step-16', 'step-2', 'step-24', 'step-4', 'step-8']);
    const record = JSON.parse(readFileSync(join(a.out, 'training.json'), 'utf8'));
    expect(record.seed).toBe(3);
    expect(record.tokensSeen).toBe(24 * recipe.batch * recipe.seq);

    // the folder loads through core's normal path; its logits match the trained weights run in memory (the export is exact)
    const model = await loadModel(a.out, { backend: 'reference' });
    expect(model.config.dVocab).toBe(a.vocab.tokens.length);
    expect(model.hookPoints()).toContain('blocks.0.attn.hook_pattern');
    const text = 'three days after Monday is Thursday .';
    const ids = [BOS_ID, ...encodeWords(a.vocab, text)];
    expect(model.tokenizer?.encode(text)).toEqual(ids);
    const { logits } = await model.run([ids]);
    const ours = { logits: await inMemoryLogits(a.parameters, ids) };
    let worst = 0;
    for (let i = 0; i < ours.logits.length; i++) worst = Math.max(worst, Math.abs(ours.logits[i] - (logits?.data[i] ?? NaN)));
    expect(worst).toBeLessThan(1e-4);
    await model.dispose();
  });

  it('stores F16 weights when the recipe asks, which loadModel runs as the F16-rounded trained model (deep vocabulary, punctuation split)', async () => {
    const recipe = { ...getRecipe('tiny'), vocabulary: 'deep' as const, storage: 'F16' as const, checkpoints: false };
    const r = await train(recipe, { seed: 2, steps: 6, out: tempDir() });
    expect(r.vocab.splitPunctuation).toBe(true);
    const header = await readSafetensorsHeader(join(r.out, 'model.safetensors'));
    expect(header.entries.length).toBeGreaterThan(5);
    for (const e of header.entries) expect(e.dtype, e.name).toBe('F16');
    const model = await loadModel(r.out, { backend: 'reference' });
    const typed = 'User: how do I make a cake? Assistant:';
    const ids = [BOS_ID, ...encodeWords(r.vocab, 'User : how do I make a cake ? Assistant :')];
    expect(model.tokenizer?.encode(typed)).toEqual(ids);
    const { logits } = await model.run([ids]);
    // the reference: the trained parameters rounded to half precision one by one, run in memory
    const rounded = wrapParameters(r.parameters.config, Float32Array.from(r.parameters.data, (x) => halfToFloat(floatToHalf(x))));
    const ours = { logits: await inMemoryLogits(rounded, ids) };
    const unrounded = { logits: await inMemoryLogits(r.parameters, ids) };
    let worst = 0;
    let roundingEffect = 0;
    for (let i = 0; i < ours.logits.length; i++) {
      worst = Math.max(worst, Math.abs(ours.logits[i] - (logits?.data[i] ?? NaN)));
      roundingEffect = Math.max(roundingEffect, Math.abs(unrounded.logits[i] - ours.logits[i]));
    }
    expect(worst).toBeLessThan(1e-5);
    expect(roundingEffect).toBeGreaterThan(worst); // the comparison can tell F16 from F32 weights
    await model.dispose();
  });

  it('trains and exports the GPT-2 layout, which loadModel runs identically', async () => {
    const r = await train(getRecipe('tiny-gpt2'), { seed: 1, steps: 6, out: tempDir() });
    const model = await loadModel(r.out, { backend: 'reference' });
    const ids = [BOS_ID, ...encodeWords(r.vocab, 'Es war einmal ein kleiner Hund .')];
    const { logits } = await model.run([ids]);
    const ours = { logits: await inMemoryLogits(r.parameters, ids) };
    let worst = 0;
    for (let i = 0; i < ours.logits.length; i++) worst = Math.max(worst, Math.abs(ours.logits[i] - (logits?.data[i] ?? NaN)));
    expect(worst).toBeLessThan(1e-4);
    await model.dispose();
  });

  it('rejects bad options with a message naming the fix', async () => {
    await expect(train(getRecipe('tiny'), { steps: 0, out: tempDir() })).rejects.toThrow(/steps must be a positive integer/);
    await expect(train(getRecipe('tiny'), { seed: -1, steps: 1, out: tempDir() })).rejects.toThrow(/seed must be a non-negative integer/);
    expect(() => getRecipe('nope')).toThrow(/available recipes: organism/);
  });
});
