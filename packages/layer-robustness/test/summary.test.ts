import { describe, expect, it } from 'vitest';
import { robustnessSummary } from '../src/analyses/layer-robustness.js';
import { stagesSummary } from '../src/analyses/stages.js';
import { stageEvidence } from '../src/stages/evidence.js';
import type { SweepResult } from '../src/interventions/sweep.js';

// The summary says each fact once: no range of one value, layer 0 not repeated when it is already named.
const sweep = (kls: number[], swaps: number[]) =>
  ({
    tokens: 100,
    deletion: kls.map((kl, layer) => ({ layer, kl, accuracyRetention: 1 - kl / 10 })),
    swap: swaps.map((r, layer) => ({ layer, accuracyRetention: r })),
  }) as unknown as SweepResult;

describe('robustnessSummary', () => {
  it('a 2-layer model: one swap, stated as one value; layer 0 named once', () => {
    const s = robustnessSummary(sweep([5.4394, 1.4542], [0.158]));
    expect(s).toContain('Swapping the two layers keeps 15.8% of accuracy.');
    expect(s.match(/layer 0/g)).toHaveLength(1);
  });

  it('equal swap retentions are one value, different ones a range; layer 0 is added when it is neither extreme', () => {
    expect(robustnessSummary(sweep([1, 3, 0.5, 2], [0.5, 0.5, 0.5]))).toContain('Swapping adjacent layers keeps 50.0% of accuracy.');
    const s = robustnessSummary(sweep([1, 3, 0.5, 2], [0.4, 0.6, 0.5]));
    expect(s).toContain('keeps 40.0% to 60.0% of accuracy');
    expect(s).toContain('Deleting layer 0 gives KL 1.0000 nats.');
  });
});

describe('stagesSummary', () => {
  it('states layer 0 deletion once: the detokenization clause carries it', () => {
    const sw = sweep([6, 1, 1.5, 2], [0.5, 0.6, 0.7]);
    const ev = stageEvidence({ nLayers: 4, sweep: sw, lens: [], locality: [], neurons: [] });
    const s = stagesSummary(sw, ev, 4);
    expect(s.match(/KL 6\.0000/g)).toHaveLength(1);
    expect(s).toMatch(/^Measured over 100 tokens\. Stage evidence/);
    const other = stagesSummary(sweep([1, 6, 1.5, 2], [0.5, 0.6, 0.7]), ev, 4);
    expect(other).toContain('deleting layer 1 hurts most (KL 6.0000 nats');
  });
});
