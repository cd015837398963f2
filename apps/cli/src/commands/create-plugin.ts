/**
 * `marr create-plugin <name>`: writes a working plugin package (analysis, test, README, build). Its
 * @marr/core comes from the registry (`^` the version this CLI uses), or, before anything is published,
 * from a marr checkout: the one named by `--local <path>`, or the one this CLI runs from (`--no-local`
 * turns that off).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkOutputDir, writeFileSet } from '@marr/core';
import { checkoutLink, localCheckout, runningCheckout, type Checkout } from '../create-plugin/checkout.js';
import { pluginFiles } from '../create-plugin/template.js';
import { UsageError } from '../errors.js';

const NPM_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

async function coreVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL(import.meta.resolve('@marr/core/package.json')), 'utf8')) as { version: string };
  return pkg.version;
}

export interface CreatePluginOptions {
  dir?: string;
  /** A checkout's path (`--local <path>`), false for `--no-local`, undefined to detect. */
  local?: string | boolean;
}

/** Which checkout to link to, and why; undefined for registry versions. */
function chooseCheckout(local: string | boolean | undefined): { checkout: Checkout; why: string } | undefined {
  if (typeof local === 'string') return { checkout: localCheckout(local), why: '--local' };
  if (local === false) return undefined;
  const checkout = runningCheckout();
  return checkout && { checkout, why: 'this marr runs from that checkout; --no-local for registry versions' };
}

export async function createPluginCommand(name: string, options: CreatePluginOptions): Promise<void> {
  if (!NPM_NAME.test(name) || name.length > 214) {
    throw new UsageError(`"${name}" is not a valid npm package name (lowercase letters, digits, - . _ ~, optionally @scope/)`);
  }
  const folder = resolve(options.dir ?? '.', name.split('/').pop()!);
  if (existsSync(folder)) throw new UsageError(`${folder} already exists; choose another name or --dir`);
  await checkOutputDir(folder, '--dir');
  const local = chooseCheckout(options.local);
  const version = local ? local.checkout.packages.get('@marr/core')!.version : await coreVersion();
  const coreSource = local ? checkoutLink(local.checkout, '@marr/core') : undefined;
  const files = pluginFiles({ packageName: name, coreRange: `^${version}`, coreSource });
  // All or nothing: the package appears complete or not at all.
  await writeFileSet(folder, Object.entries(files).map(([name, data]) => ({ name, data })));
  const source = local
    ? `@marr/core: linked to the marr checkout at ${local.checkout.root} (${coreSource}; ${local.why})`
    : `@marr/core: ^${version} from the npm registry`;
  process.stdout.write(
    `Created ${name} in ${folder}\n${source}\n\nNext:\n  cd ${folder}\n  npm install\n  npm test\n  npm publish   # builds first; or npm install ${folder} in the project where you run marr\n`,
  );
}
