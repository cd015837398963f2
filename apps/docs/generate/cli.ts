/**
 * Running the real `marr` CLI (apps/cli, resolved as the `marr-cli` package) the way a user would, from
 * the repository root, and failing loudly with its stderr when it fails.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { repoRoot } from './paths.js';

function cliEntry(): string {
  const require = createRequire(import.meta.url);
  let packageJsonPath: string;
  try {
    packageJsonPath = require.resolve('marr-cli/package.json');
  } catch {
    throw new Error('cannot find the marr CLI (package marr-cli); run `npm ci` at the repository root');
  }
  const pkg = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { bin?: { marr?: string } };
  if (!pkg.bin?.marr) throw new Error(`${packageJsonPath} has no "bin.marr" entry`);
  return join(dirname(packageJsonPath), pkg.bin.marr);
}

export interface CliResult {
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Runs `marr <args>` and resolves with its output; rejects with the command and its stderr on failure. */
export function runCli(args: readonly string[], options: { timeoutSeconds?: number; cwd?: string } = {}): Promise<CliResult> {
  return runNode([cliEntry(), ...args], `marr ${args.join(' ')}`, options);
}

/** Runs a Node script (the CLI, or a tool such as tsc) and collects its output. */
export function runNode(args: readonly string[], label: string, options: { timeoutSeconds?: number; cwd?: string } = {}): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    // CI=1 keeps the progress bar quiet (the reports do not depend on it); no colours in captured output
    // (Nx sets FORCE_COLOR, which would override NO_COLOR and make Node warn about it).
    const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', NO_COLOR: '1' };
    delete env.FORCE_COLOR;
    const child = spawn(process.execPath, args, {
      cwd: options.cwd ?? repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGTERM'), (options.timeoutSeconds ?? 600) * 1000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) {
        resolvePromise({ stdout, stderr, seconds: (performance.now() - started) / 1000 });
      } else {
        const why = signal ? `was killed (${signal}${signal === 'SIGTERM' ? ', time limit' : ''})` : `exited with code ${code}`;
        reject(new Error(`\`${label}\` ${why}:\n${stderr.trim() || stdout.trim()}`));
      }
    });
  });
}

/** Runs `marr <args> --json`-style commands and parses stdout. */
export async function runCliJson<T>(args: readonly string[]): Promise<T> {
  const { stdout } = await runCli(args);
  try {
    return JSON.parse(stdout) as T;
  } catch {
    throw new Error(`\`marr ${args.join(' ')}\` did not print JSON:\n${stdout.slice(0, 400)}`);
  }
}
