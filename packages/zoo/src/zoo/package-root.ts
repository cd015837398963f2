/** The installed @marr/zoo package folder (found from this module's location, in src/ or dist/). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

export function zooPackageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === '@marr/zoo') {
      cached = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('@marr/zoo: cannot find the package folder (package.json with name @marr/zoo) above this module');
    dir = parent;
  }
}

export function modelsFolder(): string {
  return join(zooPackageRoot(), 'models');
}
