/** Raw errno errors become one sentence naming the path and the fix (issue 22). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileSystemErrorMessage, isBrokenPipe } from '../src/fs-errors.js';

const dir = join(tmpdir(), `marr-fs-errors-${process.pid}`);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'file'), 'x');
mkdirSync(join(dir, 'folder'), { recursive: true });

async function errorOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (err) {
    return err;
  }
  throw new Error('expected the operation to fail');
}

describe('fileSystemErrorMessage', () => {
  it.each([
    ['ENOTDIR', () => writeFile(join(dir, 'file', 'x'), 'y'), /^A part of ".*file\/x" is a file, not a folder; check the path or choose another folder \(open, ENOTDIR\)$/],
    ['EISDIR', () => writeFile(join(dir, 'folder'), 'y'), /^".*folder" is a folder where a file was expected; give a file path, or remove or rename the folder \(open, EISDIR\)$/],
    ['EEXIST', () => mkdir(join(dir, 'file')), /^".*file" already exists; remove it or choose another path \(mkdir, EEXIST\)$/],
    ['ENOENT', () => readFile(join(dir, 'nope')), /^".*nope" does not exist; check the path \(open, ENOENT\)$/],
  ])('%s from a real failing call', async (_code, work, message) => {
    expect(fileSystemErrorMessage(await errorOf(work))).toMatch(message);
  });

  it('errors without a path (ENOSPC, EPERM) still say what to do', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    expect(fileSystemErrorMessage(enospc)).toBe('The disk holding a file is full; free some space or choose another place (nothing partial was left in the output folder) (write, ENOSPC)');
    const eperm = Object.assign(new Error('EPERM'), { code: 'EPERM', path: '/x', syscall: 'rename' });
    expect(fileSystemErrorMessage(eperm)).toMatch(/^The operation on "\/x" is not permitted; choose a place you own/);
  });

  it('leaves other errors alone and recognises EPIPE', () => {
    expect(fileSystemErrorMessage(new Error('plain'))).toBeNull();
    expect(fileSystemErrorMessage(Object.assign(new Error('x'), { code: 'ERR_SOMETHING' }))).toBeNull();
    expect(isBrokenPipe(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBe(true);
    expect(isBrokenPipe(new Error('x'))).toBe(false);
  });
});
