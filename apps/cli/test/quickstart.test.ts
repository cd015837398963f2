/**
 * `marr quickstart` (what the repository README's `npm run quickstart` ends with): the stages analysis
 * of @marr/layer-robustness on the default model of @marr/zoo (both dev dependencies of this package,
 * so they are built before these tests), on generated corpus documents.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect, it } from 'vitest';
import { marr, repoRoot } from './helpers.js';

it('runs stages on the default shipped model and writes a valid, reproducible report', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'marr-quickstart-')), 'qs');
  // From the repository root: the CLI's own installation reaches the workspace's plugins and zoo.
  const r = marr(['quickstart', '--out', out, '--documents', '60'], { cwd: repoRoot, env: { MARR_PLUGINS_FROM_CLI: '1' } });
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
