/**
 * Finding plugins without importing them: packages whose package.json carries a `"marr"` manifest
 * (`{"plugin": true, "apiVersion": 1, "analyses": [...]}`), named in the config or installed in a
 * node_modules folder reachable from the working directory or from the CLI's own installation.
 * Only package.json files are read, which keeps `marr list` fast.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifestShapeProblems, settings, type ManifestAnalysis, type PluginManifest } from '@marr/core/protocol';
import type { MarrConfig } from './config.js';

export interface DiscoveredPlugin {
  name: string;
  version: string;
  /** The package folder (symlinks resolved). */
  dir: string;
  manifest: PluginManifest;
  origin: 'config' | 'node_modules';
}

export interface Discovery {
  plugins: DiscoveredPlugin[];
  /** Packages that look like plugins but cannot be used, with the reason (shown by `marr plugins`). */
  problems: string[];
}

interface PackageJson {
  name?: string;
  version?: string;
  marr?: unknown;
}

/** A package.json, or null; with `onlyPlugins`, files that never mention "marr" are not even parsed. */
function readPackageJson(dir: string, onlyPlugins = false): PackageJson | null {
  try {
    const text = readFileSync(join(dir, 'package.json'), 'utf8');
    if (onlyPlugins && !text.includes('"marr"')) return null;
    return JSON.parse(text) as PackageJson;
  } catch {
    return null;
  }
}

/** The manifest when it is well formed, else the problems (core's manifest check, from the light protocol entry). */
function checkManifest(marr: unknown): PluginManifest | string {
  const problems = manifestShapeProblems(marr);
  return problems.length > 0 ? problems.join('; ') : (marr as PluginManifest);
}

/** node_modules folders from `start` up to the file-system root. */
export function nodeModulesChain(start: string): string[] {
  const out: string[] = [];
  let dir = start;
  for (;;) {
    const nm = join(dir, 'node_modules');
    if (existsSync(nm)) out.push(nm);
    const parent = dirname(dir);
    if (parent === dir) return out;
    dir = parent;
  }
}

export function packageDirs(nodeModules: string): string[] {
  const out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(nodeModules);
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      try {
        for (const sub of readdirSync(join(nodeModules, entry))) out.push(join(nodeModules, entry, sub));
      } catch {
        /* not a folder */
      }
    } else {
      out.push(join(nodeModules, entry));
    }
  }
  return out;
}

/** The folder the running CLI is installed in (its package root). */
export function cliInstallDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** A `marr` field with studies and no plugin manifest. */
export function isStudiesOnly(marr: unknown): boolean {
  return !!marr && typeof marr === 'object' && !('plugin' in marr) && 'studies' in marr;
}

/** The node_modules folders discovery scans: the working directory's chain, then the CLI installation's. */
export function searchRoots(cwd = process.cwd()): string[] {
  // MARR_PLUGINS_FROM_CLI=0 limits the scan to the working directory's node_modules (used by tests that
  // run the CLI from inside the repository, whose node_modules holds every official plugin).
  const fromCli = settings().pluginsFromCli ? nodeModulesChain(cliInstallDir()) : [];
  return [...new Set([...nodeModulesChain(cwd), ...fromCli])];
}

export function discoverPlugins(config: MarrConfig, cwd = process.cwd()): Discovery {
  const plugins: DiscoveredPlugin[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const roots = searchRoots(cwd);

  const consider = (dir: string, origin: DiscoveredPlugin['origin'], explicit: boolean) => {
    // Reading package.json first (through any symlink) keeps the scan of large node_modules cheap;
    // only plugins get their real path resolved.
    const pkg = readPackageJson(dir, !explicit);
    if (!pkg) {
      if (explicit) problems.push(existsSync(dir) ? `${dir}: no readable package.json` : `${dir}: plugin folder not found`);
      return;
    }
    if (pkg.marr === undefined && !explicit) return;
    // A package that only ships studies (`"marr": {"studies": [...]}`) is not a plugin (see discovery/studies.ts).
    if (!explicit && isStudiesOnly(pkg.marr)) return;
    const real = realpathSync(dir);
    const manifest = checkManifest(pkg.marr);
    const name = pkg.name ?? real;
    if (typeof manifest === 'string') {
      problems.push(`${name} (${real}): ${manifest}`);
      return;
    }
    if (seen.has(name)) return;
    seen.add(name);
    plugins.push({ name, version: pkg.version ?? '0.0.0', dir: real, manifest, origin });
  };

  for (const entry of config.plugins) {
    if (entry.startsWith('/')) consider(entry, 'config', true);
    else {
      const found = roots.map((nm) => join(nm, entry)).find((p) => existsSync(join(p, 'package.json')));
      if (found) consider(found, 'config', true);
      else problems.push(`${entry} (named in ${config.path}): not installed in any node_modules reachable from ${cwd}`);
    }
  }
  for (const nm of roots) for (const dir of packageDirs(nm)) consider(dir, 'node_modules', false);
  return { plugins, problems };
}

export interface AnalysisEntry extends ManifestAnalysis {
  plugin: DiscoveredPlugin;
}

export function allAnalyses(discovery: Discovery): AnalysisEntry[] {
  return discovery.plugins.flatMap((plugin) => plugin.manifest.analyses.map((a) => ({ ...a, plugin })));
}
