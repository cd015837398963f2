/**
 * The analyses as the CLI runs them (runAnalysis): the plugin manifest, named inputs, bad input errors,
 * and byte-identical results for one seed; on the shipped default model with its own German and English.
 */
import '@marr/zoo'; // registers the shipped model names with loadModel
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, manifestProblems, parseInputAssignments, runAnalysis, type HookedTransformer } from '@marr/core';
import { documentStream, HELD_OUT_SEED, resolveShippedModel } from '@marr/zoo';
import { describe, expect, it } from 'vitest';
import plugin, { contextNeuronAnalysis, contextNeuronDynamicsAnalysis, contextNeuronResults, dynamicsResults } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'marr-context-'));
const files = (() => {
  const de: string[] = [], en: string[] = [], lines: string[] = [];
  for (const doc of documentStream(HELD_OUT_SEED)) {
    if (doc.kind === 'german' && de.length < 80) de.push(doc.text);
    else if (doc.kind === 'story' && en.length < 80) en.push(doc.text);
    else continue;
    lines.push(JSON.stringify({ text: doc.text, label: doc.kind === 'german' ? 'de' : 'en' }));
    if (de.length >= 80 && en.length >= 80) break;
  }
  const paths = { german: join(dir, 'de.txt'), english: join(dir, 'en.txt'), languages: join(dir, 'lang.jsonl') };
  writeFileSync(paths.german, de.join('\n\n') + '\n');
  writeFileSync(paths.english, en.join('\n\n') + '\n');
  writeFileSync(paths.languages, lines.join('\n') + '\n');
  return paths;
})();

let model: Promise<HookedTransformer> | null = null;
const shipped = () => (model ??= loadModel('default'));
const fast = { windows: 12, contextLength: 32, validationPrompts: 10, maxCandidates: 5 };

describe('@marr/context-neurons as marr runs it', () => {
  it('has a package.json manifest that matches the module', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(manifestProblems(pkg, plugin)).toEqual([]);
    expect(plugin.analyses.map((a) => a.id)).toEqual(['context-neuron', 'context-neuron-dynamics']);
  });

  it('runs on the default model from two text files, records them, and gives the same results for one seed', async () => {
    const run = async () =>
      runAnalysis({
        plugin, analysis: contextNeuronAnalysis, models: [await shipped()], seed: 7, params: fast,
        inputs: parseInputAssignments([`german=${files.german}`, `english=${files.english}`]),
      });
    const a = await run();
    const b = await run();
    expect(JSON.stringify(a.results)).toBe(JSON.stringify(b.results));
    expect(a.summary).toBe(b.summary);
    expect(a.inputs.files?.filter((f) => f.role !== 'model').map((f) => [f.role, f.path])).toEqual([['german', files.german], ['english', files.english]]);
    const r = contextNeuronResults.parse(a.results);
    expect(r.windows).toEqual({ german: 12, english: 12, contextLength: 32 });
    // The neuron analysed is the best of its layer by the probes' own ranking.
    expect(r.topNeurons.some((n) => n.layer === r.neuron.layer && n.neuron === r.neuron.neuron)).toBe(true);
    // The last layer has no later components: the path runs collapse onto clean and total.
    if (r.neuron.layer === 1) {
      expect(r.paths.downstream).toEqual([]);
      expect(r.paths.indirectRemoved).toBe(r.paths.clean);
      expect(r.paths.directOnly).toBe(r.paths.total);
    }
  });

  it('reads both languages from one labelled JSONL file', async () => {
    const report = await runAnalysis({
      plugin, analysis: contextNeuronAnalysis, models: [await shipped()], params: { ...fast, layer: 0, neuron: 3 },
      inputs: parseInputAssignments([`languages=${files.languages}`]),
    });
    expect(report.results.neuron).toMatchObject({ layer: 0, neuron: 3 });
    expect((report.results.paths as { downstream: string[] }).downstream).toEqual(['blocks.1.hook_attn_out', 'blocks.1.hook_mlp_out']);
  });

  it('bad inputs give one clear message that names the fix', async () => {
    const m = await shipped();
    const run = (inputs: string[], params: Record<string, unknown> = {}) =>
      runAnalysis({ plugin, analysis: contextNeuronAnalysis, models: [m], inputs: parseInputAssignments(inputs), params: { ...fast, ...params } });
    const both = [`german=${files.german}`, `english=${files.english}`];
    await expect(run([`german=${files.german}`])).rejects.toThrow(/needs english text; pass --input english=<file.txt>/);
    await expect(run(both, { layer: 1 })).rejects.toThrow(/give both --param layer and --param neuron/);
    await expect(run(both, { layer: 5, neuron: 1 })).rejects.toThrow(/layer=5 is out of range: the model has layers 0..1/);
    await expect(run(both, { layer: 1, neuron: 999 })).rejects.toThrow(/neuron=999 is out of range/);
    await expect(run(both, { contextLength: 500 })).rejects.toThrow(/exceeds the model's context of 64 tokens/);
    await expect(run(both, { positionStart: 40 })).rejects.toThrow(/positionStart=40 is past the end of the 32-token windows/);
    await expect(run([`languages=${files.languages}`], { germanLabel: 'deutsch' })).rejects.toThrow(/no line labelled "deutsch" for German; its labels are en, de: pass --param germanLabel=<label>/);
    await expect(run([...both, `languages=${files.languages}`])).rejects.toThrow(/give the text one way/);
    const dynamics = (models: HookedTransformer[], inputs: string[]) => runAnalysis({ plugin, analysis: contextNeuronDynamicsAnalysis, models, inputs: parseInputAssignments(inputs), params: fast });
    await expect(dynamics([m], both)).rejects.toThrow(/needs at least 2 models: repeat --model in training order, or pass --input checkpoints=<folder>/);
    await expect(dynamics([], [...both, `checkpoints=${dir}`])).rejects.toThrow(/holds no checkpoint folders/);
  });

  it('dynamics over shipped checkpoints: steps from their training.json, by --model or from a folder of checkpoints', async () => {
    const params = { ...fast, windows: 6, layer: 0, neuron: 3 };
    const inputs = parseInputAssignments([`languages=${files.languages}`]);
    const byModel = await runAnalysis({
      plugin, analysis: contextNeuronDynamicsAnalysis, params, inputs,
      models: [await loadModel('organism-seed0-step-0'), await loadModel('organism-seed0-step-64')],
    });
    const r = dynamicsResults.parse(byModel.results);
    expect(r.steps).toEqual([0, 64]);
    expect(r.neuron).toMatchObject({ layer: 0, neuron: 3, chosenAt: 'organism-seed0-step-64' });
    // Training lowers the German loss a lot between step 0 and step 64 (6.4 -> 2.2 nats in the zoo README).
    expect(r.checkpoints[0].loss.germanClean - r.checkpoints[1].loss.germanClean).toBeGreaterThan(2);
    const folder = join(dir, 'series');
    const shipped = resolveShippedModel('organism-seed0-step-0')!;
    cpSync(shipped, join(folder, 'step-0'), { recursive: true });
    cpSync(join(shipped, '..', 'step-64'), join(folder, 'step-64'), { recursive: true });
    const byFolder = await runAnalysis({ plugin, analysis: contextNeuronDynamicsAnalysis, params, inputs: [...inputs, ...parseInputAssignments([`checkpoints=${folder}`])] });
    const f = dynamicsResults.parse(byFolder.results);
    expect(f.steps).toEqual([0, 64]);
    expect(f.checkpoints.map((c) => c.loss)).toEqual(r.checkpoints.map((c) => c.loss));
    expect(byFolder.inputs.files?.filter((x) => x.role === 'checkpoints').length).toBeGreaterThan(4);
  });
});
