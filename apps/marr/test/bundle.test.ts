import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('its marr command discovers every official plugin', () => {
  const bin = fileURLToPath(new URL('../bin/marr.js', import.meta.url));
  const r = spawnSync(process.execPath, [bin, 'plugins', '--json'], { cwd: mkdtempSync(join(tmpdir(), 'marr-bundle-')), encoding: 'utf8', env: { ...process.env, MARR_PLUGINS_FROM_CLI: '1' } });
  expect(r.status, r.stderr).toBe(0);
  const names = (JSON.parse(r.stdout) as { plugins: { name: string }[] }).plugins.map((p) => p.name);
  expect(names).toEqual(expect.arrayContaining(['@marr/layer-robustness', '@marr/probes', '@marr/sindy-mio']));
});
