/**
 * A plugin's name and version come from its package.json, never typed by hand: `pluginPackage(import.meta.url)`
 * reads the package.json nearest above the calling module (src/ in tests, dist/ once built).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  name: string;
  version: string;
}

export function pluginPackage(moduleUrl: string): PackageInfo {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) {
      const pkg = JSON.parse(readFileSync(path, 'utf8')) as Partial<PackageInfo>;
      if (typeof pkg.name !== 'string' || typeof pkg.version !== 'string') {
        throw new Error(`${path} needs a "name" and a "version" (the plugin's name and version come from it)`);
      }
      return { name: pkg.name, version: pkg.version };
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(moduleUrl)}; a plugin's name and version come from it`);
    dir = parent;
  }
}
