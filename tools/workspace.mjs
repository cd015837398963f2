// The workspace's packages, found from the root package.json's "workspaces" globs, so a package added to
// packages/ or apps/ is covered without editing any list: all of them, the public ones (no "private": true),
// the plugins ("marr": { "plugin": true }).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root (this file lives in tools/). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/**
 * Every workspace package: `{ dir, manifest }`, in the order of the "workspaces" globs then by folder name.
 * Only globs of the form `folder/*` or plain folders are used by this repository, and only those are accepted.
 */
export function workspacePackages(root = repoRoot) {
  const globs = readJson(join(root, 'package.json')).workspaces ?? [];
  const dirs = globs.flatMap((glob) => {
    if (glob.endsWith('/*')) {
      const parent = join(root, glob.slice(0, -2));
      return existsSync(parent) ? readdirSync(parent).sort().map((name) => join(parent, name)) : [];
    }
    if (glob.includes('*')) throw new Error(`workspaces glob "${glob}" is not supported by tools/workspace.mjs (use "folder/*")`);
    return [join(root, glob)];
  });
  return dirs.filter((dir) => existsSync(join(dir, 'package.json'))).map((dir) => ({ dir, manifest: readJson(join(dir, 'package.json')) }));
}

/** The workspace packages that are published (no "private": true). */
export function publicPackages(root = repoRoot) {
  return workspacePackages(root).filter(({ manifest }) => !manifest.private);
}

/** The workspace packages that are marr plugins ("marr": { "plugin": true } in package.json). */
export function workspacePlugins(root = repoRoot) {
  return workspacePackages(root).filter(({ manifest }) => manifest.marr?.plugin === true);
}
