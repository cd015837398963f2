/**
 * Studies end to end on a planted behaviour: the chain must find the planted neuron through the analysis
 * registry, pass it by link to the next step and to the closing ablation, and the change the report
 * states must equal a hand-written re-run (hooks written here, argmax counted here).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStudy, rerunCommand, runStudy, type Hook, type HookedTransformer, type Study } from '../../src/index.js';
import { validateReport } from '../../src/report/schema.js';
import { ANSWER, PLANTED, WORDS, plantedModel, plantedPrompts, testRegistry } from './planted.js';

const prompts = plantedPrompts();
const positive = prompts.filter((p) => p.group === 'trigger').map((p) => p.prompt);
const negative = prompts.filter((p) => p.group === 'plain').map((p) => p.prompt);

function plantedStudy(method: 'zero' | 'mean' = 'zero'): Study {
  return parseStudy({
    format: 1,
    name: 'planted',
    title: 'Planted trigger neuron',
    behaviour: { description: 'The model answers "yes" after the trigger word', prompts: prompts.map((p) => ({ ...p, answer: ANSWER })), metric: 'accuracy', label: 'yes rate', target: 'trigger' },
    steps: [
      { id: 'contrast', analysis: 'neuron-contrast', params: { positive, negative, top: 3 }, finding: 'Neuron {results.top.0.name} separates the groups (difference {results.top.0.difference})' },
      {
        id: 'size',
        analysis: 'neuron-mean',
        params: { layer: { from: 'contrast', path: 'results.top.0.layer' }, neuron: { from: 'contrast', path: 'results.top.0.neuron' }, texts: positive },
        finding: 'On trigger prompts it averages {results.mean} in layer {results.layer}',
      },
    ],
    intervention: { ablate: { from: 'contrast', path: 'results.top', take: 1, format: '{name}' }, method },
  });
}

/** Accuracy of the answer per group, with hooks, written out independently of the runner. */
async function byHand(model: HookedTransformer, hooks: Hook[]): Promise<Record<string, number>> {
  const hits: Record<string, number[]> = {};
  for (const p of prompts) {
    const ids = model.tokenizer!.encode(p.prompt);
    const { logits } = await model.run([ids], { hooks });
    const V = WORDS.length;
    const last = logits!.data.slice((ids.length - 1) * V, ids.length * V);
    let arg = 0;
    for (let i = 1; i < V; i++) if (last[i] > last[arg]) arg = i;
    (hits[p.group] ??= []).push(arg === WORDS.indexOf(ANSWER) ? 1 : 0);
  }
  return Object.fromEntries(Object.entries(hits).map(([g, v]) => [g, v.reduce((a, b) => a + b, 0) / v.length]));
}

describe('a study on a planted behaviour', () => {
  const model = plantedModel();

  it('finds the planted neuron, links it on, and its zero ablation changes the behaviour by what a hand-written re-run measures', async () => {
    const env = await runStudy({ study: plantedStudy(), model, resolveAnalysis: testRegistry, seed: 0 });
    validateReport(env, 'study report');
    const r = env.results as any;
    const planted = `L${PLANTED.layer}N${PLANTED.neuron}`;
    expect(r.steps[0].results.top[0].name).toBe(planted);
    // The link filled the second step's parameters with the found layer and neuron.
    expect(r.steps[1].params).toMatchObject({ layer: PLANTED.layer, neuron: PLANTED.neuron });
    expect(r.intervention.components).toEqual([planted]);
    expect(r.intervention.hooks).toEqual([`blocks.${PLANTED.layer}.mlp.hook_post`]);

    const dMlp = model.config.dMlp;
    const zeroed: Hook = {
      name: `blocks.${PLANTED.layer}.mlp.hook_post`,
      edit: (t) => {
        for (let k = PLANTED.neuron; k < t.data.length; k += dMlp) t.data[k] = 0;
      },
    };
    const before = await byHand(model, []);
    const after = await byHand(model, [zeroed]);
    expect(before.trigger).toBe(1);
    expect(before.plain).toBe(0);
    const trig = r.intervention.groups.find((g: any) => g.group === 'trigger');
    expect(trig.before).toBe(before.trigger);
    expect(trig.after).toBe(after.trigger);
    expect(trig.change).toBeCloseTo(after.trigger - before.trigger, 12);
    expect(after.trigger).toBeLessThan(0.2);
    // The summary states each measured link.
    expect(env.summary).toContain('yes rate 100% on trigger prompts, 0% on plain prompts');
    expect(env.summary).toContain(`Neuron ${planted} separates the groups`);
    expect(env.summary).toContain(`changes the yes rate on trigger prompts from 100% to ${Math.round(100 * after.trigger)}%`);
    // Three level sections, in order, then the closing intervention.
    const titles = env.sections.filter((s) => s.kind === 'note').map((s) => (s as { title?: string }).title ?? '');
    const at = (t: string) => titles.findIndex((x) => x.startsWith(t));
    expect(at('Level 1 of 3')).toBeLessThan(at('Level 2 of 3'));
    expect(at('Level 2 of 3')).toBeLessThan(at('Level 3 of 3'));
    expect(at('Level 3 of 3')).toBeLessThan(at('The chain tested'));
    expect(rerunCommand(env)).toBe('marr study planted --model planted --seed 0');
  });

  it('mean ablation sets the neuron to its mean over every position of every behaviour prompt', async () => {
    const env = await runStudy({ study: plantedStudy('mean'), model, resolveAnalysis: testRegistry });
    const dMlp = model.config.dMlp;
    const hook = `blocks.${PLANTED.layer}.mlp.hook_post`;
    let sum = 0;
    let n = 0;
    for (const p of prompts) {
      const { cache } = await model.runWithCache([model.tokenizer!.encode(p.prompt)]);
      const act = cache.get(hook).data;
      for (let k = PLANTED.neuron; k < act.length; k += dMlp) (sum += act[k]), n++;
    }
    const mean = sum / n;
    const after = await byHand(model, [{ name: hook, edit: (t) => { for (let k = PLANTED.neuron; k < t.data.length; k += dMlp) t.data[k] = mean; } }]);
    const groups = Object.fromEntries((env.results as any).intervention.groups.map((g: any) => [g.group, g.after]));
    expect(groups).toEqual(after);
  });

  it('gives the same report for the same seed, apart from timings', async () => {
    const strip = (e: object) => JSON.stringify({ ...e, timings: undefined });
    const a = await runStudy({ study: plantedStudy(), model, resolveAnalysis: testRegistry, seed: 3 });
    const b = await runStudy({ study: plantedStudy(), model, resolveAnalysis: testRegistry, seed: 3 });
    expect(strip(a)).toBe(strip(b));
  });

  it('names a wrong parameter or an unknown analysis before any model work', async () => {
    const bad = plantedStudy();
    bad.steps[0] = { ...bad.steps[0], params: { ...bad.steps[0].params, tpo: 2 } };
    await expect(runStudy({ study: bad, model, resolveAnalysis: testRegistry })).rejects.toThrow(/steps\[0\]\.params\.tpo: neuron-contrast has no parameter "tpo"; did you mean "top"\?/);
    const unknown = plantedStudy();
    unknown.steps[1] = { ...unknown.steps[1], analysis: 'neuron-meen' };
    await expect(runStudy({ study: unknown, model, resolveAnalysis: testRegistry })).rejects.toThrow(/steps\[1\] \(size\): unknown analysis "neuron-meen"/);
  });

  it('explains a link path that leads nowhere and a component that is not one', async () => {
    const study = plantedStudy();
    study.steps[1].params!.layer = { from: 'contrast', path: 'results.tops.0.layer' };
    await expect(runStudy({ study, model, resolveAnalysis: testRegistry })).rejects.toThrow(/steps\[1\]\.params\.layer \(from step "contrast"\): "results\.tops\.0\.layer" leads nowhere: results has no "tops"; it is an object with top/);
    const wrong = plantedStudy();
    wrong.intervention.ablate = ['L1N99'];
    await expect(runStudy({ study: wrong, model, resolveAnalysis: testRegistry })).rejects.toThrow(/intervention\.ablate: component L1N99: layer 1's MLP has neurons 0\.\.15/);
    const heads = plantedStudy();
    heads.intervention.ablate = { from: 'contrast', path: 'results.top', take: 1 };
    await expect(runStudy({ study: heads, model, resolveAnalysis: testRegistry })).rejects.toThrow(/must give component names.*use "format"/);
  });

  it('reads behaviour prompts from a JSON Lines file and names the bad line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marr-study-'));
    writeFileSync(join(dir, 'b.jsonl'), prompts.map((p) => JSON.stringify({ prompt: p.prompt, group: p.group })).join('\n') + '\n');
    const study = { ...plantedStudy(), behaviour: { ...plantedStudy().behaviour, prompts: 'b.jsonl', answer: ANSWER } };
    const env = await runStudy({ study, model, resolveAnalysis: testRegistry, baseDir: dir });
    expect((env.results as any).behaviour.groups).toEqual([
      { group: 'trigger', prompts: 12, value: 1 },
      { group: 'plain', prompts: 12, value: 0 },
    ]);
    expect(env.inputs.files.map((f) => f.role)).toContain('behaviour');
    writeFileSync(join(dir, 'c.jsonl'), '{"prompt": "the cat"}\n{"prompt": "the dog", "anwser": "yes"}\n');
    await expect(runStudy({ study: { ...study, behaviour: { ...study.behaviour, prompts: 'c.jsonl' } }, model, resolveAnalysis: testRegistry, baseDir: dir })).rejects.toThrow(
      /c\.jsonl:2: unknown field "anwser"/,
    );
    await expect(
      runStudy({ study: { ...study, behaviour: { ...study.behaviour, answer: 'yes no' } }, model, resolveAnalysis: testRegistry, baseDir: dir }),
    ).rejects.toThrow(/answer "yes no" is 2 tokens/);
  });
});

describe('ablation hooks', () => {
  const model = plantedModel();
  const tokens = model.tokenizer!.encode('the cat sat on the mat zap');
  const logitsWith = async (hooks: Hook[]) => Array.from((await model.run([tokens], { hooks })).logits!.data);

  it('a head is zeroed (or set to its mean) in hook_z and nothing else changes', async () => {
    const { ablationHooks, componentMeans, parseComponent } = await import('../../src/index.js');
    const c = parseComponent('L0H1', model);
    expect(c).toMatchObject({ kind: 'head', layer: 0, index: 1, hook: 'blocks.0.attn.hook_z' });
    const dHead = model.config.dHead;
    const H = model.config.nHeads;
    const byHand: Hook = { name: 'blocks.0.attn.hook_z', edit: (t) => { for (let k = 0; k < t.data.length; k++) if (Math.floor(k / dHead) % H === 1) t.data[k] = 0; } };
    const ours = await logitsWith(ablationHooks([c], 'zero'));
    const theirs = await logitsWith([byHand]);
    ours.forEach((v, i) => expect(Math.abs(v - theirs[i])).toBeLessThan(1e-5));
    // Mean: each of the head's dHead values set to its mean over positions of the reference prompts.
    const means = await componentMeans(model, [tokens], ['blocks.0.attn.hook_z']);
    const z = (await model.runWithCache([tokens])).cache.get('blocks.0.attn.hook_z').data;
    const T = tokens.length;
    for (let j = 0; j < dHead; j++) {
      let s = 0;
      for (let p = 0; p < T; p++) s += z[p * H * dHead + 1 * dHead + j];
      expect(means.get('blocks.0.attn.hook_z')![1 * dHead + j]).toBeCloseTo(s / T, 5);
    }
    const baseline = await logitsWith([]);
    expect(ours.some((v, i) => Math.abs(v - baseline[i]) > 1e-4)).toBe(true);
  });

  it('whole outputs (L1MLP, L0ATTN) are zeroed entirely; bad names say how to write one', async () => {
    const { ablationHooks, parseComponent } = await import('../../src/index.js');
    const mlp = parseComponent('l1mlp', model);
    expect(mlp).toMatchObject({ name: 'L1MLP', hook: 'blocks.1.hook_mlp_out' });
    const ours = await logitsWith(ablationHooks([mlp, parseComponent('L0ATTN', model)], 'zero'));
    const theirs = await logitsWith([
      { name: 'blocks.1.hook_mlp_out', edit: (t) => void t.data.fill(0) },
      { name: 'blocks.0.hook_attn_out', edit: (t) => void t.data.fill(0) },
    ]);
    ours.forEach((v, i) => expect(Math.abs(v - theirs[i])).toBeLessThan(1e-5));
    expect(() => parseComponent('layer1', model)).toThrow(/not a component name; write L\{layer\}H\{head\}/);
    expect(() => parseComponent('L2H0', model)).toThrow(/layers 0\.\.1/);
    expect(() => parseComponent('L0H2', model)).toThrow(/heads 0\.\.1/);
  });
});
