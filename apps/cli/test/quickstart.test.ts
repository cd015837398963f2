/**
 * `marr quickstart` (what the repository README's `npm run quickstart` ends with): the refusal study of
 * @marr/zoo on its default model, through @marr/probes and @marr/patching (dev dependencies of this
 * package, so they are built before these tests); with --analysis, one analysis (stages of
 * @marr/layer-robustness) on generated corpus documents.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect, it } from 'vitest';
import { marr, repoRoot } from './helpers.js';

it('runs the refusal study on the default shipped model: its report is the multilevel one', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'marr-quickstart-')), 'qs');
  const r = marr(['quickstart', '--out', out], { cwd: repoRoot, env: { MARR_PLUGINS_FROM_CLI: '1' } });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toContain(`marr study refusal --model default --out ${out}`);
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  const schema = JSON.parse(readFileSync(join(repoRoot, 'docs/report.schema.json'), 'utf8'));
  expect(new Ajv2020({ strict: false }).compile(schema)(report)).toBe(true);
  expect(report.analysis.id).toBe('study:refusal');
  expect(report.results.steps.map((s: { level: string }) => s.level)).toEqual(['algorithmic', 'algorithmic', 'implementational', 'implementational']);
  expect(report.summary).toMatch(/refusal rate 100% on forbidden prompts, 0% on ordinary prompts/);
  expect(report.summary).toMatch(/changes the refusal rate on forbidden prompts from 100% to/);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  for (const level of ['computational', 'algorithmic', 'implementational']) expect(html).toContain(`Level ${['computational', 'algorithmic', 'implementational'].indexOf(level) + 1} of 3, ${level}`);
  expect(html).toContain('marr study refusal --model default --seed 0');
});

it('runs stages (--analysis) on the default shipped model and writes a valid, reproducible report', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'marr-quickstart-')), 'qs');
  // From the repository root: the CLI's own installation reaches the workspace's plugins and zoo.
  const r = marr(['quickstart', '--analysis', 'stages', '--out', out, '--documents', '60'], { cwd: repoRoot, env: { MARR_PLUGINS_FROM_CLI: '1' } });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toContain(`marr run stages --model default --data ${join(out, 'data.jsonl')}`);
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  const schema = JSON.parse(readFileSync(join(repoRoot, 'docs/report.schema.json'), 'utf8'));
  expect(new Ajv2020({ strict: false }).compile(schema)(report)).toBe(true);
  expect(report.analysis).toMatchObject({ id: 'stages', plugin: '@marr/layer-robustness' });
  expect(report.inputs.models[0].spec).toBe('default');
  // The context length is the shipped model's own (config.json max_position_embeddings).
  const config = JSON.parse(readFileSync(join(repoRoot, 'packages/zoo/models/default/config.json'), 'utf8'));
  expect(report.params.contextLength).toBe(Math.min(128, config.max_position_embeddings));
  const data = readFileSync(join(out, 'data.jsonl'));
  expect(report.inputs.data.sha256).toBe(createHash('sha256').update(data).digest('hex'));
  expect(data.toString().trim().split('\n')).toHaveLength(60);
  expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<svg');
});

it('leaves nothing behind when its run fails (no data file without a report)', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'marr-quickstart-')), 'qs');
  const r = marr(['quickstart', '--analysis', 'no-such-analysis', '--out', out, '--documents', '5'], { cwd: repoRoot, env: { MARR_PLUGINS_FROM_CLI: '1' } });
  expect(r.status).not.toBe(0);
  expect(r.stderr).toMatch(/no-such-analysis/);
  expect(existsSync(out)).toBe(false);
});
