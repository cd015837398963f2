/**
 * Atomic file writes.
 *
 * - `writeFileAtomic`: one file, written to a temporary file in the destination's folder and renamed
 *   over it, so a reader never sees a half-written file and a crash leaves the old file (or none).
 * - `writeFileSet`: several files that belong together (report.json + report.html, an HF model folder):
 *   all are written into a staging folder beside the destination, which then replaces the destination
 *   by rename, so the destination holds either the complete old set, nothing (for an instant), or the
 *   complete new set; never a report.html without its report.json. Files already in the destination
 *   that the set does not replace are kept.
 * - `checkOutputDir`: refuses, before any work, output folders that cannot work: an existing file,
 *   virtual filesystems (/proc, /sys, /dev, where Node's recursive mkdir can spin forever), and places
 *   the user cannot write.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, cp, link, mkdir, readdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { MarrUsageError } from '../analysis/errors.js';

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** JSON with two-space indentation and a trailing newline, written atomically. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/** Kernel-provided filesystems where output files make no sense (and mkdir -p may never return). */
export const VIRTUAL_FILESYSTEM_ROOTS = ['/proc', '/sys', '/dev'];

function under(path: string, root: string): boolean {
  return path === root || path.startsWith(root + sep);
}

/** The deepest existing ancestor of `path` (itself when it exists), resolved through links. */
async function existingAncestor(path: string): Promise<string> {
  let p = resolve(path);
  for (;;) {
    try {
      return await realpath(p);
    } catch {
      const parent = dirname(p);
      if (parent === p) return p;
      p = parent;
    }
  }
}

/**
 * Throws a usage error naming `dir` and the fix when it cannot be an output folder: it is a file, it
 * lies on a virtual filesystem, or its nearest existing ancestor is not a writable folder. Creates
 * nothing.
 */
export async function checkOutputDir(dir: string, flag = '--out'): Promise<void> {
  const abs = resolve(dir);
  const real = await existingAncestor(abs);
  for (const root of VIRTUAL_FILESYSTEM_ROOTS) {
    if (under(abs, root) || under(real, root)) {
      throw new MarrUsageError(`${flag} "${dir}" is on the virtual filesystem ${root}, where files cannot be written; give a folder on a disk, e.g. ${flag} ./out`);
    }
  }
  const info = await stat(abs).catch(() => null);
  if (info && !info.isDirectory()) throw new MarrUsageError(`${flag} "${dir}" is a file, not a folder; give a folder (it is created if missing), or remove the file`);
  const ancestorInfo = await stat(real).catch(() => null);
  if (ancestorInfo && !ancestorInfo.isDirectory()) {
    throw new MarrUsageError(`${flag} "${dir}" cannot be created because ${real} is a file, not a folder; give another ${flag}`);
  }
  try {
    await access(real, constants.W_OK | constants.X_OK);
  } catch {
    throw new MarrUsageError(`${flag} "${dir}" is not writable (no permission to write in ${real}); give a folder you can write, e.g. ${flag} ./out`);
  }
  // The staging folder lives beside the output folder, so its parent must be writable too.
  if (info) {
    const parent = await existingAncestor(dirname(abs));
    try {
      await access(parent, constants.W_OK | constants.X_OK);
    } catch {
      throw new MarrUsageError(`${flag} "${dir}": its parent folder ${parent} is not writable, and marr stages output beside the folder; give a folder in a writable place`);
    }
  }
}

/** A fresh, empty staging folder beside `target` (same filesystem, so the final rename is atomic). */
export async function createStagingDir(target: string): Promise<string> {
  const abs = resolve(target);
  await mkdir(dirname(abs), { recursive: true });
  const staging = join(dirname(abs), `.${basename(abs)}.staging-${randomBytes(6).toString('hex')}`);
  await mkdir(staging);
  return staging;
}

/**
 * Moves a complete staging folder into place as `target`. Entries of an existing `target` that the
 * staging folder does not have are carried over (hard links, or copies across devices), then the old
 * folder is swapped out by rename and removed. On failure the staging folder is removed and `target`
 * is left as it was.
 */
export async function commitStagedDir(staging: string, target: string): Promise<void> {
  const abs = resolve(target);
  try {
    const existing = await stat(abs).catch(() => null);
    if (!existing) {
      await rename(staging, abs);
      return;
    }
    const staged = new Set(await readdir(staging));
    for (const name of await readdir(abs)) {
      if (staged.has(name) || name.startsWith(`.${basename(abs)}.`)) continue;
      const from = join(abs, name);
      const to = join(staging, name);
      const s = await stat(from);
      if (s.isDirectory()) await cp(from, to, { recursive: true, preserveTimestamps: true });
      else await link(from, to).catch(() => cp(from, to, { preserveTimestamps: true }));
    }
    const old = join(dirname(abs), `.${basename(abs)}.old-${randomBytes(6).toString('hex')}`);
    await rename(abs, old);
    try {
      await rename(staging, abs);
    } catch (err) {
      await rename(old, abs); // put the old set back
      throw err;
    }
    await rm(old, { recursive: true, force: true });
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

/** One file of a set: a path relative to the set's folder and its contents. */
export interface FileSetEntry {
  name: string;
  data: string | Uint8Array;
}

/**
 * Writes files that belong together into `dir`, all or nothing (see the module comment). `name`s are
 * relative paths without `..`. Returns the paths written (`dir` joined with each name), in the order given.
 */
export async function writeFileSet(dir: string, files: readonly FileSetEntry[]): Promise<string[]> {
  const abs = resolve(dir);
  for (const f of files) {
    if (f.name === '' || f.name.split(/[\\/]/).some((part) => part === '..' || part === '') || resolve(abs, f.name) === abs) {
      throw new Error(`writeFileSet: "${f.name}" is not a relative file path inside the folder`);
    }
  }
  // A folder where a file of the set goes (or the reverse) is the user's, not ours to replace.
  for (const f of files) {
    const info = await stat(join(abs, f.name)).catch(() => null);
    if (info?.isDirectory()) {
      throw new MarrUsageError(`${join(abs, f.name)} is a folder, where marr writes the file ${f.name}; remove or rename it, or choose another output folder`);
    }
  }
  const staging = await createStagingDir(abs);
  try {
    for (const f of files) {
      const path = join(staging, f.name);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, f.data);
    }
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
  await commitStagedDir(staging, abs);
  return files.map((f) => join(dir, f.name));
}
