/**
 * Issue 22, CLI: bad output places are refused up front with one sentence (never a hang or an errno
 * stack), output sets are all or nothing, broken models say so instead of printing nulls, and
 * `marr ... | head` exits quietly.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig, randomWeights, sharedFixture, writeHfGpt2Folder } from '@marr/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliMain, fixtures, marr, repoRoot, scratchProject, trendCsv } from './helpers.js';

let project: string;
let csv: string;

beforeAll(() => {
  project = scratchProject({ plugins: [join(fixtures, 'demo-plugin')] });
  csv = join(project, 'trend.csv');
  trendCsv(csv, [{ a: 1, b: 2 }]);
});

function expectOneSentence(r: { status: number | null; stderr: string }, status: number, pattern: RegExp) {
  expect(r.status).toBe(status);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toMatch(/^marr: E[A-Z]+:/m); // no raw errno text
}

describe('output folders', () => {
  it('--out on /proc, /sys or below a file is refused before any work', () => {
    for (const out of ['/proc/marr-out', '/sys/marr-out']) {
      expectOneSentence(marr(['run', 'demo-trend', '--data', csv, '--out', out], { cwd: project }), 2, /is on the virtual filesystem \/(proc|sys), where files cannot be written; give a folder on a disk/);
    }
    writeFileSync(join(project, 'plain-file'), 'x');
    expectOneSentence(marr(['run', 'demo-trend', '--data', csv, '--out', 'plain-file/sub'], { cwd: project }), 2, /cannot be created because .*plain-file is a file, not a folder/);
  });

  it('convert and run treat an existing file as --out the same way', () => {
    writeFileSync(join(project, 'taken'), 'x');
    writeFileSync(join(project, 'ck.bin'), 'not a checkpoint');
    writeFileSync(join(project, 'tok.bin'), 'not a tokenizer');
    const run = marr(['run', 'demo-trend', '--data', csv, '--out', 'taken'], { cwd: project });
    const convert = marr(['convert', 'ck.bin', '--tokenizer', 'tok.bin', '--out', 'taken'], { cwd: project });
    expectOneSentence(run, 2, /--out "taken" is a file, not a folder; give a folder/);
    expectOneSentence(convert, 2, /--out "taken" is a file, not a folder; give a folder/);
    expect(convert.stderr).toBe(run.stderr);
  });

  it('a report.json that is a folder fails the run with no report.html left behind', () => {
    const out = join(project, 'blocked');
    mkdirSync(join(out, 'report.json'), { recursive: true });
    const r = marr(['run', 'demo-trend', '--data', csv, '--out', out], { cwd: project });
    expectOneSentence(r, 2, /report\.json is a folder, where marr writes the file report\.json; remove or rename it/);
    expect(readdirSync(out)).toEqual(['report.json']);
    expect(readdirSync(project).filter((f) => f.includes('staging'))).toEqual([]);
  });

  it('a second run into the same folder replaces the report set and keeps other files', () => {
    const out = join(project, 'again');
    expect(marr(['run', 'demo-trend', '--data', csv, '--out', out, '--seed', '1'], { cwd: project }).status).toBe(0);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    expect(marr(['run', 'demo-trend', '--data', csv, '--out', out, '--seed', '2'], { cwd: project }).status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['notes.txt', 'report.html', 'report.json']);
  });
});

describe('broken models and closed pipes', () => {
  it('logits that overflow to Infinity are reported, not printed as null', async () => {
    const cfg = defaultConfig('gpt2', { nLayers: 1, dModel: 16, nHeads: 2, dMlp: 32, dVocab: 50, nCtx: 16 });
    const weights = randomWeights(cfg, 3);
    // Finite weights (so loading accepts them) whose product overflows float32 in the forward pass.
    weights.get('ln_final.w')!.data.fill(3e38);
    weights.get('unembed.W_U')!.data.fill(3e38);
    const dir = join(project, 'overflow-model');
    await writeHfGpt2Folder(cfg, weights, dir);
    const r = marr(['logits', '--model', dir, '--tokens', '1,2,3'], { cwd: project });
    expectOneSentence(r, 1, /the forward pass produced non-finite logits: \d+ of 150 values are NaN or infinite \(the first at \[0, \d+\] is (-?Infinity|NaN)\)/);
    expect(r.stdout).toBe('');
  });

  const stories = sharedFixture('models/stories260K/stories260K.bin');
  it.skipIf(!stories.path)(`marr logits | head exits quietly when the reader closes the pipe ${stories.reason}`, async () => {
    const child = spawn(process.execPath, [cliMain, 'logits', '--model', stories.path!, '--prompt', 'Once upon a time there was a little girl who liked to play in the park with her friends every day'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MARR_PLUGINS_FROM_CLI: '0' },
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.once('data', () => child.stdout.destroy()); // what `head -c 1` does
    const code = await new Promise<number | null>((ok) => child.on('exit', (c) => ok(c)));
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(code).toBe(0);
  });
});

describe('file inputs', () => {
  it('sparse-probe activations=<missing file or a folder> gives one sentence, no stream stack trace', () => {
    const probes = scratchProject({ plugins: [join(repoRoot, 'packages/probes')] });
    mkdirSync(join(probes, 'a-folder'));
    for (const bad of ['missing.csv', 'a-folder']) {
      for (const how of [['--param', `activations=${bad}`], ['--input', `activations=${bad}`]]) {
        const r = marr(['run', 'sparse-probe', '--out', join(probes, 'o'), ...how], { cwd: probes });
        expect(r.status).toBe(2);
        expect(r.stderr).not.toMatch(/\n\s+at |Unhandled|ENOENT:|EISDIR:/);
        expect(r.stderr).toMatch(bad === 'missing.csv' ? /"missing\.csv" does not exist/ : /"a-folder" is not a file/);
      }
    }
    expect(existsSync(join(probes, 'o', 'report.json'))).toBe(false);
  });
});
