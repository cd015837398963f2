/** The SHA-256 and size of a file read by a loader, for `ModelSource.files` (so a report pins its inputs). */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';

export interface FileRecord {
  path: string;
  sha256: string;
  bytes: number;
}

export async function recordFile(path: string): Promise<FileRecord> {
  const abs = resolve(path);
  const hash = createHash('sha256');
  await new Promise<void>((ok, fail) => {
    createReadStream(abs)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', fail)
      .on('end', () => ok());
  });
  return { path: abs, sha256: hash.digest('hex'), bytes: (await stat(abs)).size };
}

export async function recordFiles(paths: readonly string[]): Promise<FileRecord[]> {
  const unique = [...new Set(paths.map((p) => resolve(p)))];
  return Promise.all(unique.map(recordFile));
}
