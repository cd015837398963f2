/**
 * The README's findings (findings/*.json, written once by scripts/findings.mjs) against the weights they
 * came from: the weight-only numbers are recomputed here (cheap), the ablation numbers are checked for
 * consistency with the results contract (normMediatedFraction = 1 - direct / total).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel, type HookedTransformer } from '@marr/core';
import { sharedFixture } from '@marr/core/testing';
import { describe, expect, it } from 'vitest';
import { defaultNullSpaceK, effectiveReadout, neuronGeometry } from '../src/index.js';
import { defaultModel } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const finding = (name: string) => JSON.parse(readFileSync(join(here, '..', 'findings', `${name}.json`), 'utf8'));

async function checkEntropyFinding(model: HookedTransformer, name: string) {
  const f = finding(`${name}-entropy-neurons`).results;
  const ro = effectiveReadout(model, f.layer);
  expect(f.nullSpaceK).toBe(defaultNullSpaceK(model.config.dModel));
  const g = await neuronGeometry(ro.wOut, ro.W, f.nullSpaceK);
  for (const n of f.topByNullSpace) {
    expect(g.nullSpaceFraction[n.neuron]).toBeCloseTo(n.nullSpaceFraction, 6);
    expect(g.norm[n.neuron]).toBeCloseTo(n.norm, 6);
    expect(n.normMediatedFraction).toBeCloseTo(1 - n.directEffect / n.totalEffect, 9);
  }
  // Ranked by null-space fraction, highest first, and those are the highest of the layer.
  const sorted = [...g.nullSpaceFraction].sort((a, b) => b - a);
  f.topByNullSpace.forEach((n: { nullSpaceFraction: number }, i: number) => expect(n.nullSpaceFraction).toBeCloseTo(sorted[i], 6));
  expect(Array.from(g.singularValues.slice(-6))).toEqual(f.singularValuesBottom.map((s: number) => expect.closeTo(s, 4)));
}

describe('findings on the shipped default model', () => {
  it('entropy-neurons: the weight numbers recompute', async () => {
    await checkEntropyFinding(await defaultModel(), 'default');
  });
});

const modelFile = sharedFixture('models/stories260K/stories260K.bin');
const tokFile = sharedFixture('models/stories260K/tok512.bin');
const missing = [modelFile, tokFile].find((f) => !f.path);
describe.skipIf(!!missing)(`findings on stories260K (${missing?.reason ?? 'fixtures present'})`, () => {
  it('entropy-neurons: the weight numbers recompute', async () => {
    await checkEntropyFinding(await loadModel(modelFile.path!, { tokenizer: tokFile.path! }), 'stories260K');
  });
});
