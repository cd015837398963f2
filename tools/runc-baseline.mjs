// Builds llama2.c's run.c (from ../shared/baselines/llama2c) into a temporary folder, for benchmarks that compare with it.
// Usage: import { buildRunC } from '../../../tools/runc-baseline.mjs'; const r = buildRunC(sharedRoot());
//        r.skipped (a reason) or { bin, modelDir }; or run it: node tools/runc-baseline.mjs (prints the binary's path).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Compiles run.c with `cc -O3 -march=native` (never into the repository); returns { bin, modelDir } or { skipped }. */
export function buildRunC(shared) {
  const modelDir = shared && join(shared, 'models', 'stories260K');
  const runC = shared && join(shared, 'baselines', 'llama2c', 'run.c');
  if (!modelDir || !existsSync(join(modelDir, 'stories260K.bin')) || !existsSync(runC)) {
    return { skipped: '../shared/models/stories260K or ../shared/baselines/llama2c/run.c is missing' };
  }
  if (spawnSync('cc', ['--version']).status !== 0) return { skipped: 'no C compiler (cc) on this machine to build run.c' };
  const bin = join(mkdtempSync(join(tmpdir(), 'marr-runc-')), 'run');
  execFileSync('cc', ['-O3', '-march=native', '-o', bin, runC, '-lm']);
  return { bin, modelDir };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { sharedRoot } = await import('@marr/core/testing');
  const r = buildRunC(sharedRoot());
  console.log(r.skipped ? `skipped: ${r.skipped}` : r.bin);
}
