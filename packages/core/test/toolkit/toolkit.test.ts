import { describe, expect, it } from 'vitest';
import { batches, collectActivations, phase, randomModel, throwIfCancelled, type Progress } from '../../src/index.js';

function recorder(): { progress: Progress; events: string[] } {
  const events: string[] = [];
  return { events, progress: { start: (l, t) => events.push(`start ${l} ${t}`), tick: (n = 1) => events.push(`tick ${n}`), done: () => events.push('done') } };
}

describe('batches', () => {
  it('yields consecutive slices with one progress phase, one step per batch', async () => {
    const { progress, events } = recorder();
    const seen: number[][] = [];
    for await (const b of batches([1, 2, 3, 4, 5, 6, 7], { size: 3, progress, label: 'work' })) {
      expect(b.count).toBe(3);
      expect(b.start).toBe(b.index * 3);
      seen.push(b.items);
    }
    expect(seen).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(events).toEqual(['start work 3', 'tick 1', 'tick 1', 'tick 1', 'done']);
  });

  it('stops with "the run was cancelled" once the signal aborts, and still ends the phase', async () => {
    const { progress, events } = recorder();
    const controller = new AbortController();
    const run = async () => {
      for await (const b of batches([1, 2, 3, 4], { size: 1, signal: controller.signal, progress })) if (b.index === 1) controller.abort();
    };
    await expect(run()).rejects.toMatchObject({ name: 'MarrUsageError', message: 'the run was cancelled' });
    expect(events).toEqual(['start batches 4', 'tick 1', 'tick 1', 'done']);
    expect(() => throwIfCancelled(controller.signal)).toThrow('the run was cancelled');
    expect(() => throwIfCancelled(undefined)).not.toThrow();
  });

  it('phase never ticks past its total', () => {
    const { progress, events } = recorder();
    const p = phase(progress, 'x', 3);
    p.tick(2);
    p.tick(5);
    p.tick();
    p.done();
    expect(events).toEqual(['start x 3', 'tick 2', 'tick 1', 'done']);
  });
});

describe('collectActivations', () => {
  const model = randomModel({ architecture: 'gpt2', nLayers: 2, dModel: 16, nHeads: 2, dMlp: 24, dVocab: 20, nCtx: 16 }, { seed: 3, std: 0.3 });
  const hooks = ['blocks.0.mlp.hook_post', 'blocks.1.hook_resid_post'];
  // Mixed lengths so batches group by length and reorder; the reference runs each sequence alone.
  const sequences = [[1, 2, 3, 4], [5, 6], [7, 8, 9, 10], [11, 12], [13, 14, 15]];
  const alone = async (s: number[], hook: string) => {
    const r = await model.runWithCache([s], { cache: [hook], returnLogits: false });
    const act = r.cache.get(hook);
    const [, len, width] = act.shape;
    return Array.from({ length: len }, (_, t) => Array.from(act.data.subarray(t * width, (t + 1) * width)));
  };

  it('reduce "mean": one row per sequence, the mean over positions, equal to running each sequence alone', async () => {
    const { progress, events } = recorder();
    const got = await collectActivations(model, sequences, hooks, { reduce: 'mean', batchSize: 2, progress });
    expect(events[0]).toBe('start activations 3'); // groups by length: 2,2 | 3 | 4,4
    for (const [h, hook] of hooks.entries()) {
      expect(got[h]).toMatchObject({ hookPoint: hook, rows: sequences.length, layer: h });
      for (const [i, s] of sequences.entries()) {
        const rows = await alone(s, hook);
        for (let j = 0; j < got[h].cols; j++) {
          const mean = rows.reduce((a, r) => a + r[j], 0) / rows.length;
          expect(got[h].data[i * got[h].cols + j]).toBeCloseTo(mean, 5);
        }
      }
    }
  });

  it('positions: one row per (sequence, position) pair in the order given', async () => {
    const positions: [number, number][] = [[2, 3], [0, 0], [4, 1], [1, 1]];
    const [got] = await collectActivations(model, sequences, [hooks[0]], { positions, batchSize: 8 });
    expect(got.rows).toBe(4);
    for (const [r, [s, t]] of positions.entries()) {
      const ref = (await alone(sequences[s], hooks[0]))[t];
      for (let j = 0; j < got.cols; j++) expect(got.data[r * got.cols + j]).toBeCloseTo(ref[j], 5);
    }
    await expect(collectActivations(model, sequences, [hooks[0]], { positions: [[1, 5]] })).rejects.toThrow('position 5 of sequence 1 does not exist');
    await expect(collectActivations(model, sequences, ['blocks.9.mlp.hook_post'], { reduce: 'mean' })).rejects.toThrow('does not exist in this model');
  });
});
