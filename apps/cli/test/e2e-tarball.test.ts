/**
 * End to end, as a user outside this repository would do it: `marr create-plugin` writes a plugin
 * package into a temporary folder; it is built and its own tests run; then the CLI, @marr/core,
 * @marr/report-html and the plugin are packed with `npm pack` and installed from those tarballs into a
 * fresh project. That project's `marr` lists, describes, verifies and runs exactly that plugin's analysis.
 *
 * npm installs the tarballs' registry dependencies from the local npm cache (--offline); where the cache
 * lacks them (a fresh CI runner) it falls back to --prefer-offline, which fetches only what is missing.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { marr, repoRoot } from './helpers.js';

function sh(cmd: string, args: string[], options: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 600_000, ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return String(r.stdout);
}

const npmEnv = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

let root: string;
let project: string;
let pluginDir: string;

function installed(args: string[]) {
  const bin = join(project, 'node_modules', '.bin', 'marr');
  const r = spawnSync(bin, args, { cwd: project, encoding: 'utf8', env: { ...process.env, MARR_PLUGINS_FROM_CLI: undefined }, timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'marr-e2e-')));
  // 1. Generate the plugin outside the repository and build it with the repository's toolchain.
  const created = marr(['create-plugin', '@acme/marr-demo', '--dir', root]);
  if (created.status !== 0) throw new Error(created.stderr);
  pluginDir = join(root, 'marr-demo');
  mkdirSync(join(pluginDir, 'node_modules', '@marr'), { recursive: true });
  mkdirSync(join(pluginDir, 'node_modules', '@types'), { recursive: true });
  symlinkSync(join(repoRoot, 'packages/core'), join(pluginDir, 'node_modules/@marr/core'));
  for (const dep of ['typescript', 'vitest', '@types/node']) symlinkSync(join(repoRoot, 'node_modules', dep), join(pluginDir, 'node_modules', dep));
  sh(process.execPath, [join(pluginDir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: pluginDir });

  // 2. Pack everything a user would install.
  const packs = join(root, 'packs');
  mkdirSync(packs);
  for (const dir of [join(repoRoot, 'packages/core'), join(repoRoot, 'packages/report-html'), join(repoRoot, 'apps/cli'), pluginDir]) {
    sh('npm', ['pack', '--silent', '--pack-destination', packs], { cwd: dir, env: npmEnv });
  }
  const tarballs = readdirSync(packs).map((f) => join(packs, f));

  // 3. Install the tarballs into a fresh project.
  project = join(root, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'e2e-project', private: true, type: 'module' }));
  const install = (mode: string) =>
    spawnSync('npm', ['install', mode, '--no-audit', '--no-fund', ...tarballs], { cwd: project, env: npmEnv, encoding: 'utf8', timeout: 600_000 });
  let r = install('--offline');
  if (r.status !== 0) r = install('--prefer-offline');
  if (r.status !== 0) throw new Error(`npm install of the tarballs failed:\n${r.stdout}\n${r.stderr}`);
}, 900_000);

// The installed project holds about half a gigabyte (the ONNX Runtime binaries of @marr/core).
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('a plugin made with marr create-plugin, installed from tarballs with the CLI', () => {
  it('passes its own generated tests (closed-form statistics, manifest in step with the module)', () => {
    const out = sh(process.execPath, [join(pluginDir, 'node_modules/vitest/vitest.mjs'), 'run'], { cwd: pluginDir });
    expect(out).toMatch(/2 passed/);
  });

  it('is the only plugin the installed marr lists, describes and verifies', () => {
    const list = installed(['list', '--json']);
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      { id: 'demo-column-stats', title: 'Column statistics', level: 'computational', summary: 'Mean and standard deviation of every numeric column of a table', plugin: '@acme/marr-demo', pluginVersion: '0.1.0' },
    ]);
    const describeOut = installed(['describe', 'demo-column-stats']);
    expect(describeOut.stdout).toContain('digits: integer in [1, 12] default 6');
    const verify = installed(['plugins', '--verify']);
    expect(verify.status).toBe(0);
    expect(verify.stdout).toContain(`@acme/marr-demo 0.1.0  (node_modules: ${join(project, 'node_modules/@acme/marr-demo')})`);
    expect(verify.stdout).toContain('manifest: OK');
  });

  it('runs the analysis and writes a valid report with closed-form numbers', () => {
    writeFileSync(join(project, 'table.csv'), 'x,y,name\n1,2,a\n2,4,b\n3,6,c\n4,8,d\n5,10,e\n');
    const run = installed(['run', 'demo-column-stats', '--data', 'table.csv', '--out', 'out', '--param', 'digits=3']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('2 numeric columns; x has mean 3.00.');
    const report = JSON.parse(readFileSync(join(project, 'out/report.json'), 'utf8'));
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(join(repoRoot, 'docs/report.schema.json'), 'utf8')));
    expect(validate(report)).toBe(true);
    expect(report.results.stats.x.mean).toBe(3);
    expect(report.results.stats.y.std).toBeCloseTo(2 * Math.sqrt(2.5), 12);
    expect(report.analysis.plugin).toBe('@acme/marr-demo');
    expect(readFileSync(join(project, 'out/report.html'), 'utf8')).toContain('<svg');
  });
});
