/**
 * Checking and hashing input files. A missing file is a usage error that names the path and what the
 * file was for; hashes are recorded in reports so a run can be reproduced.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MarrUsageError } from '../analysis/errors.js';
import type { InputFile } from '../report/types.js';

/** Throws MarrUsageError unless `path` is a readable regular file (or, with entry 'folder', a folder); returns its absolute path. */
export async function requireFile(path: string, what: string, entry: 'file' | 'folder' = 'file'): Promise<string> {
  const abs = resolve(path);
  let info;
  try {
    info = await stat(abs);
  } catch {
    throw new MarrUsageError(`${what} "${path}" does not exist (resolved to ${abs}). Check the path.`);
  }
  if (entry === 'folder' ? !info.isDirectory() : !info.isFile()) {
    throw new MarrUsageError(`${what} "${path}" is not a ${entry} (resolved to ${abs}).`);
  }
  return abs;
}

/** SHA-256 and size of a file, streamed so large files need little memory. */
export async function hashFile(path: string): Promise<InputFile> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { path, sha256: hash.digest('hex'), bytes };
}
