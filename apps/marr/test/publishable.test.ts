/**
 * Issue 25, first part: every public workspace package has what publishing needs, and `npm pack` would ship
 * its built entry points and README (no workspace-only paths, no missing files). Run after the build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const rootEngines = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  description?: string;
  license?: string;
  engines?: { node?: string };
  files?: string[];
  bin?: Record<string, string>;
  main?: string;
  types?: string;
  exports?: Record<string, string | { types?: string; import?: string }>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const packages = ['packages', 'apps']
  .flatMap((dir) => readdirSync(join(root, dir)).map((name) => join(root, dir, name)))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest }))
  .filter(({ pkg }) => !pkg.private);

describe('every public package is publishable', () => {
  it('finds the public packages', () => {
    expect(packages.map((p) => p.pkg.name)).toEqual(expect.arrayContaining(['@marr/core', 'marr-cli', 'marr', '@marr/zoo']));
  });

  it.each(packages.map((p) => [p.pkg.name, p] as const))('%s: metadata, engines, entry points and dependencies', (_name, { dir, pkg }) => {
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(pkg.description, 'description').toBeTruthy();
    expect(pkg.license).toBe('MIT');
    expect(pkg.engines?.node, 'engines.node (the root package.json says which Node)').toBe(rootEngines);
    expect(pkg.files, '"files"').toContain('README.md');
    expect(existsSync(join(dir, 'README.md')), 'README.md').toBe(true);
    for (const [name, range] of Object.entries({ ...pkg.dependencies, ...pkg.peerDependencies })) {
      expect(range, `${name}: a version range, not a workspace or file path`).toMatch(/^[\^~]?\d/);
    }
    // Every entry point points into a shipped folder and exists after the build.
    const entries = [pkg.main, pkg.types, ...Object.values(pkg.bin ?? {})];
    for (const e of Object.values(pkg.exports ?? {})) entries.push(...(typeof e === 'string' ? [e] : [e.types, e.import]));
    for (const entry of entries.filter((e): e is string => typeof e === 'string' && e !== './package.json')) {
      expect(pkg.files!.some((f) => entry.replace(/^\.\//, '').startsWith(f)), `${entry} is under "files"`).toBe(true);
      expect(existsSync(join(dir, entry)), `${entry} exists (is the package built?)`).toBe(true);
    }
  });

  it.each(packages.map((p) => [p.pkg.name, p] as const))('%s: npm pack ships the README and the entry points', (_name, { dir, pkg }) => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const [packed] = JSON.parse(out) as { name: string; files: { path: string }[] }[];
    expect(packed.name).toBe(pkg.name);
    const paths = packed.files.map((f) => f.path);
    expect(paths).toContain('README.md');
    expect(paths).toContain('package.json');
    const main = pkg.main ?? Object.values(pkg.bin ?? {})[0];
    if (main) expect(paths).toContain(main.replace(/^\.\//, ''));
    expect(paths.some((p) => p.startsWith('src/') || p.startsWith('test/')), 'sources and tests stay out of the package').toBe(false);
  });
});
