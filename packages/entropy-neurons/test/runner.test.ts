import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAnalysis } from '@marr/core';
import { renderHtml } from '@marr/report-html';
import { generateCorpus, HELD_OUT_SEED } from '@marr/zoo';
import { describe, expect, it } from 'vitest';
import plugin, { entropyNeuronsResults, tokenFrequencyNeuronsResults } from '../src/index.js';
import { defaultModel } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'marr-entropy-'));
const TEXT = join(dir, 'zoo.txt');
writeFileSync(TEXT, generateCorpus(HELD_OUT_SEED, 60).map((d) => d.text).join('\n\n') + '\n');

const find = (id: string) => plugin.analyses.find((a) => a.id === id)!;
const strip = (r: object) => JSON.stringify({ ...r, timings: null });

describe('through the runner on the default model (--data text)', () => {
  it('entropy-neurons: valid results, the same report for the same seed, rendered to HTML', async () => {
    const model = await defaultModel();
    const params = { maxTokens: 512, top: 4 };
    const a = await runAnalysis({ plugin, analysis: find('entropy-neurons'), models: [model], dataPath: TEXT, params });
    const b = await runAnalysis({ plugin, analysis: find('entropy-neurons'), models: [model], dataPath: TEXT, params });
    expect(strip(b)).toBe(strip(a));
    const r = entropyNeuronsResults.parse(a.results);
    expect(r.layer).toBe(1);
    expect(r.nullSpaceK).toBe(1); // round(0.015 * 96)
    expect(r.neurons).toHaveLength(256);
    expect(r.entropyNeurons).toHaveLength(4);
    expect(r.tokens).toBeGreaterThan(0);
    const html = await renderHtml(a);
    expect(html).toContain('Norm against LogitVar');
  });

  it('token-frequency-neurons counts the whole dataset, or reads a counts file', async () => {
    const model = await defaultModel();
    const a = await runAnalysis({ plugin, analysis: find('token-frequency-neurons'), models: [model], dataPath: TEXT, params: { maxTokens: 256, top: 3 } });
    const r = tokenFrequencyNeuronsResults.parse(a.results);
    expect(r.unigram.source).toBe('dataset');
    expect(r.unigram.tokens).toBeGreaterThan(256);
    expect(r.ablated).toBe(256);
    const sub = tokenFrequencyNeuronsResults.parse(
      (await runAnalysis({ plugin, analysis: find('token-frequency-neurons'), models: [model], dataPath: TEXT, params: { maxTokens: 256, top: 3, ablate: 2 }, seed: 5 })).results,
    );
    expect(sub.neurons.filter((n) => n.ablated)).toHaveLength(4);
    for (const j of sub.frequencyNeurons.slice(0, 2)) expect(sub.neurons[j].totalEffect).toBeCloseTo(r.neurons[j].totalEffect!, 10);
    const counts = join(dir, 'counts.json');
    writeFileSync(counts, JSON.stringify(Array.from({ length: model.config.dVocab }, (_, i) => (i % 7) + 1)));
    const b = await runAnalysis({ plugin, analysis: find('token-frequency-neurons'), models: [model], dataPath: TEXT, inputs: [{ name: 'counts', label: null, path: counts }], params: { maxTokens: 256, top: 3 } });
    expect(tokenFrequencyNeuronsResults.parse(b.results).unigram.source).toBe('counts-file');
    expect(b.inputs.files?.some((f) => f.role === 'counts')).toBe(true);
  });

  it('a cancelled run ends with the cancellation error', async () => {
    const model = await defaultModel();
    const controller = new AbortController();
    const progress = { start() {}, tick() { controller.abort(); }, done() {} };
    await expect(runAnalysis({ plugin, analysis: find('entropy-neurons'), models: [model], dataPath: TEXT, params: { maxTokens: 512, batchSize: 2 }, progress, signal: controller.signal })).rejects.toThrow(
      /the run was cancelled/,
    );
  });

  it('bad inputs fail before any work with one message naming the fix', async () => {
    const model = await defaultModel();
    const analysis = find('entropy-neurons');
    await expect(runAnalysis({ plugin, analysis, models: [model] })).rejects.toThrow(/--data/);
    await expect(runAnalysis({ plugin, analysis, models: [model], dataPath: TEXT, params: { layer: 2 } })).rejects.toThrow(/layer=2 does not exist: the model has layers 0\.\.1/);
    await expect(runAnalysis({ plugin, analysis, models: [model], dataPath: TEXT, params: { nullSpaceK: 97 } })).rejects.toThrow(/nullSpaceK=97 is larger than d_model = 96/);
    await expect(runAnalysis({ plugin, analysis, models: [model], dataPath: TEXT, params: { contextLength: 4 } })).rejects.toThrow(/contextLength/);
    const bad = join(dir, 'bad-counts.txt');
    writeFileSync(bad, '1\n2\n');
    await expect(
      runAnalysis({ plugin, analysis: find('token-frequency-neurons'), models: [model], dataPath: TEXT, inputs: [{ name: 'counts', label: null, path: bad }], params: { maxTokens: 128 } }),
    ).rejects.toThrow(/2 entries but the model's vocabulary has 623/);
  });
});
