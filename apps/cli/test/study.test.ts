/**
 * `marr study`: the shipped refusal study end to end on the default model (its closing ablation checked
 * against an independent hand-written re-run), the study list, the schema, and study files with typos.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, type Hook } from '@marr/core';
import '@marr/zoo';
import { marr, repoRoot, scratchProject, withoutTimings } from './helpers.js';

const studies = join(repoRoot, 'packages/zoo/studies');
const inRepo = { cwd: repoRoot };

/**
 * The hand-written re-run of a study whose closing step zero-ablates heads and whose metric is accuracy:
 * the default model, the behaviour file, each named head's slice of hook_z zeroed by hand, the greedy
 * next token compared with each prompt's answer. Checks the report's before/after/change per group.
 */
async function checkZeroedHeads(report: any, behaviourFile: string): Promise<Record<string, { before: number; after: number; change: number }>> {
  const model = await loadModel('default');
  const lines = readFileSync(join(studies, behaviourFile), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const { nHeads, dHead } = model.config;
  const zeroHeads: Hook[] = report.results.intervention.components.map((c: string) => {
    const [, l, h] = /^L(\d+)H(\d+)$/.exec(c)!.map(Number);
    return { name: `blocks.${l}.attn.hook_z`, edit: (t: { data: Float32Array }) => { for (let k = 0; k < t.data.length; k++) if (Math.floor(k / dHead) % nHeads === h) t.data[k] = 0; } };
  });
  const accuracy = async (group: string, hooks: Hook[]) => {
    const rows = lines.filter((l) => l.group === group);
    let right = 0;
    for (const row of rows) {
      const ids = model.tokenizer!.encode(row.prompt);
      const logits = (await model.run([ids], { hooks })).logits!;
      const V = logits.shape[2];
      const last = logits.data.slice((ids.length - 1) * V, ids.length * V);
      let arg = 0;
      for (let i = 1; i < V; i++) if (last[i] > last[arg]) arg = i;
      if (arg === model.toSingleToken(row.answer)) right++;
    }
    return right / rows.length;
  };
  const byGroup = Object.fromEntries(report.results.intervention.groups.map((g: { group: string }) => [g.group, g]));
  for (const group of Object.keys(byGroup)) {
    const before = await accuracy(group, []);
    const after = await accuracy(group, zeroHeads);
    expect(byGroup[group].before, group).toBe(before);
    expect(byGroup[group].after, group).toBe(after);
    expect(byGroup[group].change).toBeCloseTo(after - before, 12);
  }
  await model.dispose();
  return byGroup;
}

describe('marr study', () => {
  it('lists the studies installed packages ship and prints the study schema', () => {
    const r = marr(['study', '--list', '--json'], inRepo);
    expect(r.status, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as { name: string; package: string; model: string }[];
    expect(list).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'refusal', package: '@marr/zoo', model: 'default' })]));
    // A package that ships only studies is not a plugin, and not a broken one either.
    const plugins = JSON.parse(marr(['plugins', '--json'], inRepo).stdout) as { plugins: { name: string }[]; problems: string[] };
    expect(plugins.plugins.map((p) => p.name)).not.toContain('@marr/zoo');
    expect(plugins.problems.filter((p) => p.includes('@marr/zoo'))).toEqual([]);
    const s = marr(['study', '--schema'], inRepo);
    expect(s.status).toBe(0);
    expect(JSON.parse(s.stdout).properties.intervention).toBeDefined();
  });

  it('runs the refusal study; the closing ablation changes refusal by what a hand-written re-run measures', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'marr-study-')), 'refusal');
    const r = marr(['study', 'refusal', '--model', 'default', '--out', out], inRepo);
    expect(r.status, r.stderr).toBe(0);
    const json = readFileSync(join(out, 'report.json'), 'utf8');
    const report = JSON.parse(json);
    const step = (id: string) => report.results.steps.find((s: { id: string }) => s.id === id);
    const [decodable, heads, direct, direction] = ['decodable', 'heads', 'direct', 'direction'].map(step);
    // The refusal-direction step: one difference-in-means direction does not mediate this model's refusal.
    expect(direction.analysis).toBe('refusal-direction');
    expect(direction.results.evaluation.ablation.harmfulRefusalRate).toBeGreaterThan(0.9);
    expect(direction.results.evaluation.actAdd.harmlessRefusalRate).toBeGreaterThan(0.5);
    expect(decodable.analysis).toBe('probe-sweep');
    // Forbidden-ness is not in the last position's embedding and is decodable after block 0's attention.
    expect(decodable.results.features[0].layers[0].f1ByK.every((x: { f1: number }) => x.f1 < 0.7)).toBe(true);
    expect(decodable.results.features[0].bestLayer).toBe('blocks.0.hook_resid_mid');
    // The patching step's top heads went by link into path patching's senders and into the ablation.
    const top = heads.results.top.map((t: { row: string; column: string }) => `${t.row}${t.column}`);
    expect(direct.params.senders).toEqual(top);
    expect(report.results.intervention.components).toEqual(top.slice(0, 3));

    const byGroup = await checkZeroedHeads(report, 'data/refusal-behaviour.jsonl');
    expect(byGroup.forbidden.before).toBe(1);
    expect(byGroup.forbidden.after).toBeLessThan(0.5);
    expect(report.summary).toContain(`changes the refusal rate on forbidden prompts from 100% to ${Math.round(100 * byGroup.forbidden.after)}%`);

    // Same seed, same report apart from timings.
    const again = join(mkdtempSync(join(tmpdir(), 'marr-study-')), 'again');
    expect(marr(['study', join(studies, 'refusal.json'), '--out', again], inRepo).status).toBe(0);
    const second = JSON.parse(readFileSync(join(again, 'report.json'), 'utf8'));
    expect(JSON.stringify({ ...second, params: {} , timings: 0 })).toBe(JSON.stringify({ ...JSON.parse(withoutTimings(json)), params: {}, timings: 0 }));
  });

  it('runs the calendar study; the closing ablation changes accuracy by what a hand-written re-run measures', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'marr-study-')), 'calendar');
    const r = marr(['study', 'calendar', '--out', out], inRepo);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const heads = report.results.steps.find((s: { id: string }) => s.id === 'heads');
    // The circle step and the move along it (Engels et al.'s intervention) ran as steps of the chain.
    const move = report.results.steps.find((s: { id: string }) => s.id === 'move');
    expect(move.results.tasks[0].layers[0].intervention.movedFraction).toBeGreaterThan(0.5);
    expect(report.results.intervention.components).toEqual(heads.results.top.slice(0, 2).map((t: { row: string; column: string }) => `${t.row}${t.column}`));
    const byGroup = await checkZeroedHeads(report, 'data/calendar-behaviour.jsonl');
    expect(byGroup.days.before).toBe(1);
    expect(byGroup.days.after).toBeLessThan(0.6);
  });

  it('runs the German study; its closing mean ablation changes the loss by what a hand-written re-run measures', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'marr-study-')), 'german');
    const r = marr(['study', 'german', '--out', out], inRepo);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const neurons = report.results.steps[1];
    expect(neurons.analysis).toBe('sparse-probe');
    const selected: string[] = neurons.results.byK[3].selected;
    expect(neurons.results.byK[3]).toMatchObject({ method: 'mean-diff', k: 8 });
    expect(report.results.intervention.components).toEqual(selected);

    // By hand: every neuron's mean over every position of every behaviour prompt, then the loss per group.
    const model = await loadModel('default');
    const rows = readFileSync(join(studies, 'data/german-behaviour.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const tokens = rows.map((row) => model.tokenizer!.encode(row.prompt));
    const dMlp = model.config.dMlp;
    const parsed = selected.map((n) => /^L(\d+)N(\d+)$/.exec(n)!.slice(1).map(Number));
    const sums = parsed.map(() => 0);
    let positions = 0;
    for (const ids of tokens) {
      const { cache } = await model.runWithCache([ids]);
      parsed.forEach(([l, i], j) => {
        const act = cache.get(`blocks.${l}.mlp.hook_post`).data;
        for (let p = 0; p < ids.length; p++) sums[j] += act[p * dMlp + i];
      });
      positions += ids.length;
    }
    const hooks: Hook[] = parsed.map(([l, i], j) => ({
      name: `blocks.${l}.mlp.hook_post`,
      edit: (t: { data: Float32Array }) => {
        for (let k = i; k < t.data.length; k += dMlp) t.data[k] = sums[j] / positions;
      },
    }));
    const loss = async (group: string, withHooks: Hook[]) => {
      let total = 0;
      let n = 0;
      for (const [k, row] of rows.entries()) {
        if (row.group !== group) continue;
        const ids = tokens[k];
        const logits = (await model.run([ids], { hooks: withHooks })).logits!;
        const V = logits.shape[2];
        const last = Array.from(logits.data.slice((ids.length - 1) * V, ids.length * V));
        const max = Math.max(...last);
        const lse = max + Math.log(last.reduce((a, v) => a + Math.exp(v - max), 0));
        total += lse - last[model.tokenizer!.encode(row.answer, { addBos: false })[0]];
        n++;
      }
      return total / n;
    };
    for (const g of report.results.intervention.groups) {
      expect(g.before).toBeCloseTo(await loss(g.group, []), 4);
      expect(g.after).toBeCloseTo(await loss(g.group, hooks), 4);
    }
    await model.dispose();
    const german = report.results.intervention.groups.find((g: { group: string }) => g.group === 'german');
    const english = report.results.intervention.groups.find((g: { group: string }) => g.group === 'english');
    // Removing the German-context neurons hurts German prediction more than English prediction.
    expect(german.change).toBeGreaterThan(0.05);
    expect(german.change).toBeGreaterThan(english.change);
  });

  it('a study file with a typo names the field and the fix; unknown names suggest the close one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'marr-study-'));
    const study = JSON.parse(readFileSync(join(studies, 'refusal.json'), 'utf8'));
    study.steps[1].parmas = study.steps[1].params;
    delete study.steps[1].params;
    writeFileSync(join(dir, 'typo.json'), JSON.stringify(study));
    const r = marr(['study', join(dir, 'typo.json'), '--out', join(dir, 'out')], inRepo);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/typo\.json: steps\[1\]: unknown field "parmas"; did you mean "params"\?/);
    const p = JSON.parse(readFileSync(join(studies, 'refusal.json'), 'utf8'));
    p.steps[0].params.kValus = [1];
    writeFileSync(join(dir, 'param.json'), JSON.stringify({ ...p, behaviour: { ...p.behaviour, prompts: join(studies, 'data/refusal-behaviour.jsonl') } }));
    const q = marr(['study', join(dir, 'param.json'), '--out', join(dir, 'out2')], inRepo);
    expect(q.status).toBe(2);
    expect(q.stderr).toMatch(/steps\[0\]\.params\.kValus: probe-sweep has no parameter "kValus"; did you mean "kValues"\?/);
    // Without the plugins a study needs, the message names the step and what to install.
    const bare = marr(['study', join(studies, 'refusal.json'), '--out', join(dir, 'out4')], { cwd: scratchProject() });
    expect(bare.status).toBe(2);
    expect(bare.stderr).toMatch(/steps\[0\] \(decodable\): unknown analysis "probe-sweep"\.[\s\S]*No plugins are installed/);
    const u = marr(['study', 'refusl', '--out', join(dir, 'out3')], inRepo);
    expect(u.status).toBe(2);
    expect(u.stderr).toMatch(/unknown study "refusl"\. Did you mean "refusal"\?/);
  });
});
