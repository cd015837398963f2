/**
 * The shared real model stories260K (llama2.c, 512-token vocabulary): the day names are several tokens each,
 * so the probe reads the name's last token (the same "day" for every day at layer 0: a degenerate probe), and
 * the intervention refuses the model because two answers share their first token.
 */
import { loadModel, runAnalysis } from '@marr/core';
import { sharedFixture } from '@marr/core/testing';
import { describe, expect, it } from 'vitest';
import plugin, { circleProbeResults } from '../src/index.js';

const ckpt = sharedFixture('models/stories260K/stories260K.bin');
const tok = sharedFixture('models/stories260K/tok512.bin');
const missing = !ckpt.path || !tok.path;

describe.skipIf(missing)(`stories260K ${missing ? `(skipped: ${ckpt.reason || tok.reason})` : ''}`, () => {
  it('probes the days with the authors\' prompts, degenerate at layer 0, and the intervention refuses with the clashing names', async () => {
    const model = await loadModel(ckpt.path!, { tokenizer: tok.path! });
    const find = (id: string) => plugin.analyses.find((a) => a.id === id)!;
    const env = await runAnalysis({ plugin, analysis: find('circle-probe'), models: [model], params: { tasks: ['days'], shuffles: 5 } });
    const days = circleProbeResults.parse(env.results).tasks[0];
    expect(days.template).toBe('authors');
    expect(days.problems).toBe(49);
    expect(days.layers).toHaveLength(6);
    expect(days.layers[0].r2).toBeCloseTo(0, 9);
    expect(days.bestLayer).toBeGreaterThan(0);
    await expect(runAnalysis({ plugin, analysis: find('circle-intervention'), models: [model], params: { tasks: ['days'] } }))
      .rejects.toThrow(/"Tuesday" and "Thursday" start with the same token/);
    await model.dispose();
  });
});
