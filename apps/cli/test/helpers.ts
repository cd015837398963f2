import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const cliMain = join(repoRoot, 'apps/cli/dist/main.js');
export const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI with node, as a user would (stdout and stderr are pipes, so no progress bar). */
export function marr(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; bin?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [options.bin ?? cliMain, ...args], {
    cwd: options.cwd,
    env: { ...process.env, MARR_PLUGINS_FROM_CLI: '0', ...options.env },
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI and resolves once stderr contains `marker`; returns the child process. */
export function marrUntil(args: string[], cwd: string, marker: string) {
  const child = spawn(process.execPath, [cliMain, ...args], {
    cwd,
    env: { ...process.env, MARR_PLUGINS_FROM_CLI: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes(marker)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`exited (${code}) before "${marker}": ${stderr}`)));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, ready, exited };
}

/** A fresh project folder outside the repository (so no repository node_modules is reachable). */
export function scratchProject(config?: object): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'marr-cli-')));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
  if (config) writeFileSync(join(dir, 'marr.config.json'), JSON.stringify(config));
  return dir;
}

/** y = a + b t + Gaussian noise (Box–Muller on a fixed LCG, so the file is the same on every run). */
export function trendCsv(path: string, planted: { a: number; b: number }[], n = 200, noise = 0.05): void {
  let state = 12345;
  const uniform = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) + 0.5) / 4294967296;
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const lines = ['t,' + planted.map((_, j) => `y${j}`).join(',')];
  for (let i = 0; i < n; i++) {
    const t = i * 0.1;
    lines.push([t, ...planted.map((p) => p.a + p.b * t + noise * normal())].join(','));
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

/** report.json text without its `timings` (the only part allowed to differ between identical runs). */
export function withoutTimings(json: string): string {
  const v = JSON.parse(json) as Record<string, unknown>;
  delete v.timings;
  return JSON.stringify(v, null, 2);
}
