import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

/** Every workspace package whose package.json declares it a marr plugin: the official plugins. */
function officialPlugins(): string[] {
  const packages = fileURLToPath(new URL('../../../packages/', import.meta.url));
  return readdirSync(packages)
    .map((dir) => JSON.parse(readFileSync(join(packages, dir, 'package.json'), 'utf8')) as { name: string; marr?: { plugin?: boolean } })
    .filter((pkg) => pkg.marr?.plugin === true)
    .map((pkg) => pkg.name)
    .sort();
}

it('depends on every official plugin', () => {
  const deps = Object.keys((JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
  expect(officialPlugins().filter((name) => !deps.includes(name))).toEqual([]);
});

it('its marr command discovers every official plugin', () => {
  const bin = fileURLToPath(new URL('../bin/marr.js', import.meta.url));
  const r = spawnSync(process.execPath, [bin, 'plugins', '--json'], { cwd: mkdtempSync(join(tmpdir(), 'marr-bundle-')), encoding: 'utf8', env: { ...process.env, MARR_PLUGINS_FROM_CLI: '1' } });
  expect(r.status, r.stderr).toBe(0);
  const names = (JSON.parse(r.stdout) as { plugins: { name: string }[] }).plugins.map((p) => p.name);
  expect(names).toEqual(expect.arrayContaining(officialPlugins()));
});
