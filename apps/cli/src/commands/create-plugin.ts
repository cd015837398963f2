/** `marr create-plugin <name>`: writes a working plugin package (analysis, test, README, build). */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkOutputDir, writeFileSet } from '@marr/core';
import { pluginFiles } from '../create-plugin/template.js';
import { UsageError } from '../errors.js';

const NPM_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

async function coreVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL(import.meta.resolve('@marr/core/package.json')), 'utf8')) as { version: string };
  return pkg.version;
}

export async function createPluginCommand(name: string, options: { dir?: string }): Promise<void> {
  if (!NPM_NAME.test(name) || name.length > 214) {
    throw new UsageError(`"${name}" is not a valid npm package name (lowercase letters, digits, - . _ ~, optionally @scope/)`);
  }
  const folder = resolve(options.dir ?? '.', name.split('/').pop()!);
  if (existsSync(folder)) throw new UsageError(`${folder} already exists; choose another name or --dir`);
  await checkOutputDir(folder, '--dir');
  const files = pluginFiles({ packageName: name, coreRange: `^${await coreVersion()}` });
  // All or nothing: the package appears complete or not at all.
  await writeFileSet(folder, Object.entries(files).map(([name, data]) => ({ name, data })));
  process.stdout.write(
    `Created ${name} in ${folder}\n\nNext:\n  cd ${folder}\n  npm install\n  npm run build && npm test\n  npm install ${folder}   # in the project where you run marr\n`,
  );
}
