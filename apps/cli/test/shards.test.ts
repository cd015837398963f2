import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCorpus } from '@marr/zoo';
import { marr } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'marr-cli-shards-'));
const text = join(dir, 'text.txt');
writeFileSync(text, generateCorpus(31, 60).map((d) => d.text.replace(/\n\s*\n/g, '\n')).join('\n\n') + '\n');
const common = ['run', 'universal-neurons', '--model', 'organism-seed0', '--model', 'organism-seed1', '--data', text, '--param', 'maxTokens=1024', '--param', 'batchSize=4', '--seed', '2'];
const out = (name: string) => join(dir, name);

describe('marr run --shard and marr merge', () => {
  it('describe says which analyses run in shards', () => {
    expect(marr(['describe', 'universal-neurons']).stdout).toMatch(/^shards: +yes/m);
    expect(JSON.parse(marr(['describe', 'universal-neurons', '--json']).stdout).shardable).toBe(true);
    expect(JSON.parse(marr(['describe', 'logit-lens', '--json']).stdout).shardable).toBe(false);
  });

  it('shards (explicit and from JOB_COMPLETION_INDEX / SLURM_ARRAY_TASK_ID) merge into the report of one run', () => {
    const s0 = marr([...common, '--shard', '0/3', '--out', out('s0')]);
    expect(s0.status, s0.stderr).toBe(0);
    expect(s0.stdout).toMatch(/Shard 0\/3 of universal-neurons: work items 0-\d+ of \d+/);
    expect(existsSync(join(out('s0'), 'report.json'))).toBe(false);
    expect(marr([...common, '--shard', 'auto/3', '--out', out('s1')], { env: { JOB_COMPLETION_INDEX: '1' } }).status).toBe(0);
    expect(marr([...common, '--shard', 'auto/3', '--out', out('s2')], { env: { SLURM_ARRAY_TASK_ID: '2' } }).status).toBe(0);
    expect(JSON.parse(readFileSync(join(out('s2'), 'partial.json'), 'utf8')).shard).toEqual({ index: 2, count: 3 });
    const merged = marr(['merge', out('s2'), out('s0'), out('s1'), '--out', out('merged')]);
    expect(merged.status, merged.stderr).toBe(0);
    expect(merged.stdout).toContain('Merged 3 shards');
    const whole = marr([...common, '--out', out('whole')]);
    expect(whole.status, whole.stderr).toBe(0);
    const a = JSON.parse(readFileSync(join(out('whole'), 'report.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(out('merged'), 'report.json'), 'utf8'));
    expect(b.summary).toBe(a.summary);
    expect(b.inputs).toEqual(a.inputs);
    expect(b.params).toEqual(a.params);
    a.results.neurons.forEach((v: { excess: number; universal: boolean }, i: number) => {
      expect(Math.abs(b.results.neurons[i].excess - v.excess)).toBeLessThan(1e-12);
      expect(b.results.neurons[i].universal).toBe(v.universal);
    });
    expect(existsSync(join(out('merged'), 'report.html'))).toBe(true);
  });

  it('refuses missing, repeated and foreign shards and unshardable analyses, naming the fix, without writing a report', () => {
    const missing = marr(['merge', out('s0'), out('s2'), '--out', out('bad1')]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/shard 1 of 3 is missing; run it \(--shard 1\/3\)/);
    expect(existsSync(out('bad1'))).toBe(false);
    const twice = marr(['merge', out('s0'), out('s0'), out('s1'), '--out', out('bad2')]);
    expect(twice.stderr).toMatch(/both shard 0\/3/);
    expect(marr([...common.slice(0, -2), '--seed', '3', '--shard', '1/3', '--out', out('s1seed3')]).status).toBe(0);
    expect(marr(['merge', out('s0'), out('s1seed3'), out('s2'), '--out', out('bad3')]).stderr).toMatch(/differ in their seed/);
    expect(marr(['merge', out('whole'), '--out', out('bad4')]).stderr).toMatch(/finished report\.json/);
    expect(marr([...common, '--shard', '3/3', '--out', out('bad5')]).stderr).toMatch(/shard indices run from 0 to 2/);
    expect(marr([...common, '--shard', 'auto/3', '--out', out('bad6')], { env: { JOB_COMPLETION_INDEX: '', SLURM_ARRAY_TASK_ID: '' } }).stderr).toMatch(/neither is set/);
    const stages = marr(['run', 'logit-lens', '--model', 'default', '--data', text, '--shard', '0/2', '--out', out('bad7')]);
    expect(stages.status).not.toBe(0);
    expect(stages.stderr).toMatch(/cannot run in shards/);
  });
});
