/**
 * The SHA-256 and size of a file read by a loader, for `ModelSource.files` (so a report pins its inputs).
 * The path is recorded as the user gave it when relative, and relative to the working folder when it lies
 * inside it (a shipped model, a file of the project), so reports do not carry one machine's absolute paths;
 * either way it still opens from the working folder.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, normalize, relative, resolve, sep } from 'node:path';

export interface FileRecord {
  path: string;
  sha256: string;
  bytes: number;
}

/** `path` as a report shows it: relative paths as given, absolute ones inside the working folder made relative. */
export function recordedPath(path: string): string {
  if (!isAbsolute(path)) return normalize(path);
  const inside = relative(process.cwd(), path);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside.split(sep).join('/') : path;
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
  return { path: recordedPath(path), sha256: hash.digest('hex'), bytes: (await stat(abs)).size };
}

export async function recordFiles(paths: readonly string[]): Promise<FileRecord[]> {
  const seen = new Set<string>();
  const unique = paths.filter((p) => !seen.has(resolve(p)) && seen.add(resolve(p)));
  return Promise.all(unique.map(recordFile));
}
