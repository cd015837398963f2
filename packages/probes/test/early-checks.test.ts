/**
 * Issue 22: a bad `positive` is reported as soon as the labels are known, before any activation is
 * collected (the progress reporter never starts the "activations" phase and the model never runs).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAnalysis } from '@marr/core';
import { afterAll, describe, expect, it } from 'vitest';
import plugin from '../src/plugin.js';
import { sparseProbe } from '../src/analyses/sparse-probe.js';
import { smallRandomModel } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'marr-probes-early-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function watched() {
  const model = smallRandomModel(3);
  let forwards = 0;
  const run = model.run.bind(model);
  model.run = ((...args: Parameters<typeof run>) => {
    forwards++;
    return run(...args);
  }) as typeof model.run;
  const phases: string[] = [];
  const progress = { start: (label: string) => phases.push(label), tick: () => {}, done: () => {} };
  return { model, phases, progress, forwards: () => forwards };
}

describe('sparse-probe checks positive before collecting activations', () => {
  it('labelled JSONL', async () => {
    const jsonl = join(dir, 'labels.jsonl');
    writeFileSync(jsonl, Array.from({ length: 30 }, (_, i) => JSON.stringify({ text: `text ${i}`, label: i % 2 ? 'b' : 'a' })).join('\n'));
    const w = watched();
    await expect(
      runAnalysis({ plugin, analysis: sparseProbe, models: [w.model], dataPath: jsonl, params: { positive: 'nope' }, progress: w.progress }),
    ).rejects.toThrow(/positive class "nope" is not among the labels \(a, b\); set positive to one of them/);
    expect(w.phases).not.toContain('activations');
    expect(w.forwards()).toBe(0);
  });

  it('language-id class files', async () => {
    const en = join(dir, 'en.txt');
    const de = join(dir, 'de.txt');
    writeFileSync(en, 'the cat sat on the mat and looked at the dog. '.repeat(40));
    writeFileSync(de, 'die Katze sass auf der Matte und sah den Hund an. '.repeat(40));
    const w = watched();
    await expect(
      runAnalysis({
        plugin,
        analysis: sparseProbe,
        models: [w.model],
        params: { task: 'language-id', classFiles: [`en=${en}`, `de=${de}`], positive: 'fr', contextLength: 8 },
        progress: w.progress,
      }),
    ).rejects.toThrow(/positive class "fr" is not among the labels \(de, en\)/);
    expect(w.phases).not.toContain('activations');
    expect(w.forwards()).toBe(0);
  });
});
