/**
 * Issue 25: every public workspace package (found from the root package.json's workspaces, so new ones are
 * covered) has what publishing needs; `npm publish --dry-run` would ship its built entry points and README
 * (no workspace-only paths, no missing files); publint finds nothing to warn about; and changesets
 * versions every one of them in one fixed group. Run after the build. Nothing here reaches a registry.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module of the workspace tools, without type declarations
import { publicPackages } from '../../../tools/workspace.mjs';

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

const packages = (publicPackages(root) as { dir: string; manifest: Manifest }[]).map(({ dir, manifest }) => ({ dir, pkg: manifest }));

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

  /** What `npm publish --dry-run` would ship (paths), run once per package and shared by the two checks below. */
  const shipped = new Map<string, string[]>();
  const dryRun = (dir: string, name: string): string[] => {
    if (!shipped.has(name)) {
      // --offline: a dry run would otherwise ask the registry about the version (and retry without a network).
      const out = execFileSync('npm', ['publish', '--dry-run', '--offline', '--json', '--ignore-scripts'], {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        env: { ...process.env, npm_config_registry: 'http://127.0.0.1:9/' },
      });
      const packed = (JSON.parse(out) as Record<string, { name: string; files: { path: string }[] }>)[name];
      expect(packed?.name).toBe(name);
      shipped.set(name, packed.files.map((f) => f.path));
    }
    return shipped.get(name)!;
  };

  it.each(packages.map((p) => [p.pkg.name, p] as const))('%s: npm publish --dry-run ships the README and the entry points', (_name, { dir, pkg }) => {
    const paths = dryRun(dir, pkg.name);
    expect(paths).toContain('README.md');
    expect(paths).toContain('package.json');
    const main = pkg.main ?? Object.values(pkg.bin ?? {})[0];
    if (main) expect(paths).toContain(main.replace(/^\.\//, ''));
    expect(paths.some((p) => p.startsWith('src/') || p.startsWith('test/')), 'sources and tests stay out of the package').toBe(false);
  });

  it.each(packages.map((p) => [p.pkg.name, p] as const))('%s: publint reports no warning or error on the shipped files', async (_name, { dir, pkg: { name } }) => {
    // publint reads the files npm would pack (the list above), laid out as in the tarball (package/...).
    const files = dryRun(dir, name).map((path) => ({ name: `package/${path}`, data: readFileSync(join(dir, path)) }));
    const { messages, pkg } = await publint({ pkgDir: 'package', level: 'warning', pack: { files } });
    expect(messages.map((m) => formatMessage(m, pkg, { color: false }))).toEqual([]);
  });

  it('changesets versions every public package together (one fixed group) and ignores only private ones', () => {
    const config = JSON.parse(readFileSync(join(root, '.changeset/config.json'), 'utf8')) as { fixed: string[][]; ignore: string[] };
    // The group may use globs such as "@marr/*"; every public package must match one of its entries.
    const matches = (pattern: string, name: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`).test(name);
    expect(config.fixed).toHaveLength(1);
    for (const { pkg } of packages) expect(config.fixed[0].some((p) => matches(p, pkg.name)), `${pkg.name} in the fixed group`).toBe(true);
    for (const ignored of config.ignore) expect(packages.some((p) => p.pkg.name === ignored), `${ignored} is ignored but public`).toBe(false);
  });
});
