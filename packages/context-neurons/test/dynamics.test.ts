/**
 * A planted training history (test/planted.ts stages): the context neuron and the context-free A -> B
 * bigram exist from step 10, the bigram depends on the neuron from step 100. The dynamics must date
 * each part and the second-order circuit, and say it formed after its parts.
 */
import { describe, expect, it } from 'vitest';
import { dynamicsParams, dynamicsResults, dynamicsStudy, formedAt, stepFromName, type Checkpoint } from '../src/index.js';
import { io } from './helpers.js';
import { A, B, plantedModel, plantedWindows } from './planted.js';

const series = (): Checkpoint[] =>
  ([[1, 'none'], [10, 'parts'], [100, 'full'], [1000, 'full']] as const).map(([step, stage]) => {
    const model = plantedModel({ stage });
    return { name: `planted-step-${step}`, step, get: async () => model, release: async () => {} };
  });
const windows = () => ({ german: plantedWindows('german', 24, 48, 1), english: plantedWindows('english', 24, 48, 2), contextLength: 48 });

describe('context-neuron dynamics on a planted history', () => {
  it('dates the neuron, the n-gram and the circuit, and finds the circuit formed after its parts', async () => {
    const report = await dynamicsStudy(series(), windows, dynamicsParams.parse({ validationPrompts: 20, maxCandidates: 8, trackNgrams: 3, minGermanIncrease: 0.15 }), 0, { ...io(), log: () => {} });
    const r = dynamicsResults.parse(report.results);
    expect(r.neuron).toMatchObject({ layer: 0, neuron: 5, chosenAt: 'planted-step-1000' });
    expect(r.steps).toEqual([1, 10, 100, 1000]);
    expect(r.formation.neuron).toBe(10);
    expect(r.checkpoints[0].f1).toBeLessThan(0.85);
    expect(r.formation.ablationHurts).toBe(100);
    expect(r.formation.ngrams.length).toBe(3);
    for (const g of r.formation.ngrams) {
      expect(g.trigram.endsWith('t32 t33')).toBe(true);
      expect(g).toMatchObject({ learned: 10, circuit: 100, afterParts: true });
    }
    // The direct path alone (step 10) costs German about 0.05 nats, the full circuit (step 100 on) about 0.46.
    expect(r.checkpoints[1].loss.germanAblated - r.checkpoints[1].loss.germanClean).toBeLessThan(0.15);
    expect(r.checkpoints[2].loss.germanAblated - r.checkpoints[2].loss.germanClean).toBeGreaterThan(0.3);
    // At step 10 the bigram is there without the neuron: ablation changes nothing on it.
    const at10 = r.checkpoints[1].ngrams[0];
    expect(at10.clean).toBeLessThan(0.1);
    expect(Math.abs(at10.total - at10.clean)).toBeLessThan(0.1);
    expect(report.summary).toMatch(/becomes a German neuron \(F1 > 0\.85 from then on\) at step 10/);
    expect(report.sections.filter((s) => s.kind === 'figure' && s.figure.type === 'line').length).toBe(5);
    expect(report.sections[0]).toMatchObject({ kind: 'table', rows: expect.arrayContaining([[expect.stringMatching(/t32 t33" needs L0N5$/), 'ablation adds > 2 nats', 100, true]]) });
    expect([A, B]).toEqual([32, 33]);
  });

  it('formation is the first step from which a criterion holds to the end', () => {
    expect(formedAt([0, 1, 2, 4], [false, true, false, true])).toBe(4);
    expect(formedAt([0, 1, 2, 4], [false, true, true, true])).toBe(1);
    expect(formedAt([0, 1], [true, false])).toBeNull();
    expect(stepFromName('organism-seed0-step-128')).toBe(128);
    expect(stepFromName('ckpt/step_2000/model')).toBe(2000);
    expect(stepFromName('default')).toBeNull();
  });

  it('refuses checkpoints out of training order', async () => {
    const s = series().reverse();
    await expect(dynamicsStudy(s, windows, dynamicsParams.parse({}), 0, { ...io(), log: () => {} })).rejects.toThrow(/training order with increasing steps/);
  });
});
