/**
 * Finding a marr checkout (a clone of the marr monorepo) for `marr create-plugin`: the one named by
 * `--local`, or the one this CLI runs from. A new plugin can then depend on the checkout's packages
 * (`file:` links) before anything is published.
 */
import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';

export interface Checkout {
  /** The checkout's root folder (real path). */
  root: string;
  /** Its workspace packages by npm name: folder and version. */
  packages: Map<string, { dir: string; version: string }>;
}

function readJson(file: string): { name?: string; version?: string; workspaces?: string[] } | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The checkout rooted at `root`, or undefined when `root` is not a marr monorepo (workspaces with @marr/core). */
export function readCheckout(root: string): Checkout | undefined {
  const pkg = readJson(join(root, 'package.json'));
  if (!Array.isArray(pkg?.workspaces)) return undefined;
  const packages = new Map<string, { dir: string; version: string }>();
  for (const glob of pkg.workspaces) {
    const parents = glob.endsWith('/*') ? [join(root, glob.slice(0, -2))] : [];
    for (const parent of parents.filter((p) => existsSync(p))) {
      for (const name of readdirSync(parent)) {
        const m = readJson(join(parent, name, 'package.json'));
        if (m?.name && m.version) packages.set(m.name, { dir: join(parent, name), version: m.version });
      }
    }
  }
  return packages.has('@marr/core') ? { root, packages } : undefined;
}

/**
 * The checkout this CLI runs from: the nearest folder above its own (real) file that is a marr monorepo,
 * provided the path does not pass through node_modules (an installed marr-cli is not a checkout).
 */
export function runningCheckout(moduleUrl: string = import.meta.url): Checkout | undefined {
  const file = realpathSync(fileURLToPath(moduleUrl));
  for (let dir = dirname(file); dirname(dir) !== dir; dir = dirname(dir)) {
    if (dir.split(sep).includes('node_modules')) return undefined;
    const checkout = readCheckout(dir);
    if (checkout) return checkout;
  }
  return undefined;
}

/** The checkout named by `--local <path>`; a usage error says what is wrong with the path. */
export function localCheckout(path: string): Checkout {
  const root = resolve(path);
  if (!existsSync(root)) throw new UsageError(`--local ${path}: ${root} does not exist; give the folder of a marr checkout (the repository root)`);
  const checkout = readCheckout(realpathSync(root));
  if (!checkout) {
    throw new UsageError(`--local ${path}: ${root} is not a marr checkout (no package.json with workspaces holding @marr/core); give the repository root`);
  }
  return checkout;
}

/** The `file:` link of a checkout package, after checking it is built (its entry point exists). */
export function checkoutLink(checkout: Checkout, name: string): string {
  const pkg = checkout.packages.get(name);
  if (!pkg) throw new UsageError(`the marr checkout at ${checkout.root} has no package ${name}`);
  const manifest = JSON.parse(readFileSync(join(pkg.dir, 'package.json'), 'utf8')) as { main?: string };
  if (manifest.main && !existsSync(join(pkg.dir, manifest.main))) {
    throw new UsageError(`${name} in the marr checkout at ${checkout.root} is not built (${manifest.main} is missing); run npm ci and npm run build there first`);
  }
  return `file:${pkg.dir}`;
}
