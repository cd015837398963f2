/**
 * Raw Node file-system errors (ENOTDIR, EEXIST, EPERM, ENOSPC, EISDIR, ...) as one sentence that names
 * the path and the fix, for the CLI's top-level error handler.
 */

interface ErrnoLike {
  code?: unknown;
  path?: unknown;
  dest?: unknown;
  syscall?: unknown;
}

const FIXES: Record<string, (path: string) => string> = {
  ENOENT: (p) => `${p} does not exist; check the path`,
  ENOTDIR: (p) => `a part of ${p} is a file, not a folder; check the path or choose another folder`,
  EISDIR: (p) => `${p} is a folder where a file was expected; give a file path, or remove or rename the folder`,
  EEXIST: (p) => `${p} already exists; remove it or choose another path`,
  EPERM: (p) => `the operation on ${p} is not permitted; choose a place you own, or check its permissions`,
  EACCES: (p) => `no permission to access ${p}; choose a place you can write, or check its permissions`,
  EROFS: (p) => `${p} is on a read-only filesystem; choose a writable place`,
  ENOSPC: (p) => `the disk holding ${p} is full; free some space or choose another place (nothing partial was left in the output folder)`,
  EDQUOT: (p) => `the disk quota for ${p} is exhausted; free some space or choose another place`,
  EMFILE: (p) => `too many open files while opening ${p}; close other programs or raise the limit (ulimit -n)`,
  ENAMETOOLONG: (p) => `the path ${p} is too long; choose a shorter one`,
  ELOOP: (p) => `${p} leads to a loop of symbolic links; check the path`,
  EBUSY: (p) => `${p} is busy (in use or a mount point); choose another path`,
  EXDEV: (p) => `${p} is on another device than its staging folder; choose a folder on one disk`,
};

/** One sentence for a Node errno error, or null when `err` is not one. */
export function fileSystemErrorMessage(err: unknown): string | null {
  if (!(err instanceof Error)) return null;
  const e = err as Error & ErrnoLike;
  if (typeof e.code !== 'string' || !Object.hasOwn(FIXES, e.code)) return null;
  const path = typeof e.path === 'string' ? e.path : typeof e.dest === 'string' ? e.dest : null;
  const where = path ?? 'a file';
  const fix = FIXES[e.code](path ? `"${where}"` : where);
  const op = typeof e.syscall === 'string' ? ` (${e.syscall}, ${e.code})` : ` (${e.code})`;
  return `${fix.charAt(0).toUpperCase()}${fix.slice(1)}${op}`;
}

/** True for the error a write to a closed pipe gives (`marr ... | head`). */
export function isBrokenPipe(err: unknown): boolean {
  return err instanceof Error && (err as ErrnoLike).code === 'EPIPE';
}
