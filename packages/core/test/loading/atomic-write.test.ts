/**
 * Issue 22: output sets are all or nothing. Failures are injected (a folder where report.json goes, a
 * write that fails half-way, a kill -9 in the middle) and the destination is checked to hold either
 * the complete old set, nothing, or the complete new set.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkOutputDir, writeFileSet } from '../../src/loading/atomic-write.js';
import { tempDir } from './helpers.js';

const root = tempDir('marr-fileset-');
let n = 0;
const fresh = (): string => join(root, `out-${n++}`);

describe('writeFileSet', () => {
  it('creates the folder with every file', async () => {
    const dir = fresh();
    const paths = await writeFileSet(dir, [
      { name: 'report.json', data: '{"a":1}\n' },
      { name: 'report.html', data: '<p>x</p>' },
      { name: 'sub/extra.bin', data: Uint8Array.of(1, 2, 3) },
    ]);
    expect(paths).toEqual([join(dir, 'report.json'), join(dir, 'report.html'), join(dir, 'sub/extra.bin')]);
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe('{"a":1}\n');
    expect([...readFileSync(join(dir, 'sub/extra.bin'))]).toEqual([1, 2, 3]);
    expect(readdirSync(root).filter((f) => f.includes('staging'))).toEqual([]);
  });

  it('replaces the set in an existing folder and keeps the files it does not write', async () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'report.json'), 'old');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    await writeFileSet(dir, [{ name: 'report.json', data: 'new' }, { name: 'report.html', data: 'html' }]);
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe('new');
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readdirSync(root).filter((f) => f.startsWith(`.out-`))).toEqual([]);
  });

  it('a folder where report.json goes fails before anything is written (no report.html alone)', async () => {
    const dir = fresh();
    mkdirSync(join(dir, 'report.json'), { recursive: true });
    await expect(writeFileSet(dir, [{ name: 'report.html', data: 'html' }, { name: 'report.json', data: '{}' }])).rejects.toThrow(
      /report\.json is a folder, where marr writes the file report\.json; remove or rename it/,
    );
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });

  it('a write that fails half-way leaves the old set untouched and no staging folder', async () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'report.json'), 'old');
    // "a" is written as a folder (for a/b), then writing the file "a" fails: EISDIR inside the staging folder.
    await expect(writeFileSet(dir, [{ name: 'report.json', data: 'new' }, { name: 'a/b', data: 'x' }, { name: 'a', data: 'y' }])).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['report.json']);
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe('old');
    expect(readdirSync(root).filter((f) => f.includes('staging'))).toEqual([]);
  });

  it('rejects names outside the folder', async () => {
    await expect(writeFileSet(fresh(), [{ name: '../x', data: '' }])).rejects.toThrow(/not a relative file path inside the folder/);
  });

  it('a kill -9 in the middle leaves either no folder or the complete set', async () => {
    const dist = resolve(fileURLToPath(new URL('../../dist/index.js', import.meta.url)));
    expect(existsSync(dist), `needs the built core (${dist}); run npx nx run @marr/core:build`).toBe(true);
    const files = 30;
    const bytes = 2_000_000;
    const outcomes: string[] = [];
    for (const delayMs of [0, 5, 40, 400]) {
      const dir = fresh();
      const script = `
        const { writeFileSet } = await import(${JSON.stringify('file://' + dist)});
        const data = new Uint8Array(${bytes}).fill(7);
        process.stdout.write('start\\n');
        await writeFileSet(${JSON.stringify(dir)}, Array.from({ length: ${files} }, (_, i) => ({ name: 'f' + i + '.bin', data })));
        process.stdout.write('done\\n');`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise((ok) => child.once('exit', ok));
      await Promise.race([new Promise<void>((ok) => child.stdout.once('data', () => ok())), exited]);
      await new Promise((ok) => setTimeout(ok, delayMs));
      child.kill('SIGKILL');
      await exited;
      outcomes.push(existsSync(dir) ? "complete" : "none");
      if (existsSync(dir)) {
        const present = readdirSync(dir).sort();
        expect(present).toHaveLength(files);
        for (const f of present) expect(readFileSync(join(dir, f)).length).toBe(bytes);
      }
    }
    // The kill landed mid-write at least once (the staging folder it left is hidden and never the output).
    expect(outcomes).toContain('none');
  }, 60_000);
});

describe('checkOutputDir', () => {
  it.each(['/proc/marr-out', '/proc/self/x', '/sys/marr', '/dev/marr'])('refuses %s up front', async (dir) => {
    await expect(checkOutputDir(dir)).rejects.toThrow(/is on the virtual filesystem \/(proc|sys|dev), where files cannot be written/);
  });
  it('refuses an existing file, and a path below a file, naming the path and the fix', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    await expect(checkOutputDir(file)).rejects.toThrow(/--out ".*a-file" is a file, not a folder; give a folder/);
    await expect(checkOutputDir(join(file, 'sub'))).rejects.toThrow(/cannot be created because .*a-file is a file, not a folder/);
  });
  it('accepts a new folder in a writable place and creates nothing', async () => {
    const dir = join(fresh(), 'deeper');
    await checkOutputDir(dir);
    expect(existsSync(dir)).toBe(false);
  });
});
