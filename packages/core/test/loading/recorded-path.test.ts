/** Issue 23: reports record input paths without the build machine's absolute prefix where they can. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { recordedPath, recordFiles } from '../../src/loading/file-record.js';

describe('recorded paths', () => {
  it('keeps relative paths as given, makes absolute paths inside the working folder relative, leaves others absolute', () => {
    expect(recordedPath('models/x/config.json')).toBe('models/x/config.json');
    expect(recordedPath('./models//x/../x/config.json')).toBe('models/x/config.json');
    expect(recordedPath('../shared/data/a.txt')).toBe('../shared/data/a.txt');
    expect(recordedPath(resolve('packages/zoo/config.json'))).toBe('packages/zoo/config.json');
    const outside = join(tmpdir(), 'elsewhere.json');
    expect(recordedPath(outside)).toBe(outside);
  });

  it('hashes each file once and records it under its shown path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marr-record-'));
    const file = join(dir, 'a.bin');
    writeFileSync(file, 'hello');
    const records = await recordFiles([file, file]);
    expect(records).toEqual([{ path: file, sha256: createHash('sha256').update('hello').digest('hex'), bytes: 5 }]);
  });
});
