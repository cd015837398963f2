/**
 * Plugin manifests: the `"marr"` field of a plugin package's package.json, which lets `marr list` show a
 * plugin's analyses without importing its code. `manifestProblems` / `checkPluginManifest` make sure the
 * manifest and the module never drift apart (call it from each plugin's tests, or `marr plugins --verify`).
 *
 *   "marr": { "plugin": true, "apiVersion": 1,
 *             "analyses": [{ "id": "...", "title": "...", "level": "algorithmic", "summary": "..." }] }
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MarrUsageError } from './errors.js';
import { MARR_LEVELS, type MarrLevel, type PluginDefinition } from './protocol.js';

export interface ManifestAnalysis {
  id: string;
  title: string;
  level: MarrLevel;
  summary: string;
}

export interface PluginManifest {
  plugin: true;
  apiVersion: number;
  analyses: ManifestAnalysis[];
}

/** The manifest a plugin's package.json should carry (paste its JSON under `"marr"`). */
export function pluginManifest(plugin: PluginDefinition): PluginManifest {
  return {
    plugin: true,
    apiVersion: plugin.apiVersion,
    analyses: plugin.analyses.map((a) => ({ id: a.id, title: a.title, level: a.level, summary: a.summary })),
  };
}

/** Checks the shape of a package.json `"marr"` field; returns the problems found (empty when valid). */
export function manifestShapeProblems(manifest: unknown): string[] {
  if (!manifest || typeof manifest !== 'object') return ['the "marr" field must be an object'];
  const m = manifest as Record<string, unknown>;
  const problems: string[] = [];
  if (m.plugin !== true) problems.push('"marr.plugin" must be true');
  if (typeof m.apiVersion !== 'number') problems.push('"marr.apiVersion" must be a number');
  if (!Array.isArray(m.analyses)) return [...problems, '"marr.analyses" must be an array'];
  m.analyses.forEach((a: unknown, i: number) => {
    const entry = (a ?? {}) as Record<string, unknown>;
    for (const key of ['id', 'title', 'summary'] as const) {
      if (typeof entry[key] !== 'string') problems.push(`"marr.analyses[${i}].${key}" must be a string`);
    }
    if (!MARR_LEVELS.includes(entry.level as MarrLevel)) {
      problems.push(`"marr.analyses[${i}].level" must be one of ${MARR_LEVELS.join(', ')}`);
    }
  });
  return problems;
}

/** Differences between a package's manifest and the plugin its module exports (empty when they agree). */
export function manifestProblems(
  packageJson: { name?: string; version?: string; marr?: unknown },
  plugin: PluginDefinition,
): string[] {
  const shape = manifestShapeProblems(packageJson.marr);
  if (shape.length > 0) return shape;
  const manifest = packageJson.marr as PluginManifest;
  const problems: string[] = [];
  if (packageJson.name !== undefined && plugin.name !== packageJson.name) {
    problems.push(`plugin name "${plugin.name}" differs from the package name "${packageJson.name}"`);
  }
  if (packageJson.version !== undefined && plugin.version !== packageJson.version) {
    problems.push(`plugin version "${plugin.version}" differs from the package version "${packageJson.version}"`);
  }
  if (manifest.apiVersion !== plugin.apiVersion) {
    problems.push(`manifest apiVersion ${manifest.apiVersion} differs from the module's ${plugin.apiVersion}`);
  }
  const expected = pluginManifest(plugin).analyses;
  const listed = new Map(manifest.analyses.map((a) => [a.id, a]));
  for (const a of expected) {
    const m = listed.get(a.id);
    if (!m) {
      problems.push(`analysis "${a.id}" is exported by the module but missing from the manifest`);
      continue;
    }
    for (const key of ['title', 'level', 'summary'] as const) {
      if (m[key] !== a[key]) problems.push(`analysis "${a.id}": manifest ${key} ${JSON.stringify(m[key])} differs from the module's ${JSON.stringify(a[key])}`);
    }
  }
  const exported = new Set(expected.map((a) => a.id));
  for (const m of manifest.analyses) {
    if (!exported.has(m.id)) problems.push(`analysis "${m.id}" is in the manifest but not exported by the module`);
  }
  if (problems.length > 0) {
    problems.push(`expected "marr": ${JSON.stringify(pluginManifest(plugin))}`);
  }
  return problems;
}

type ExportsField = string | { [key: string]: ExportsField } | null | undefined;

function entryFromExports(exp: ExportsField): string | null {
  if (!exp) return null;
  if (typeof exp === 'string') return exp;
  const root = '.' in exp ? exp['.'] : exp;
  if (typeof root === 'string') return root;
  if (!root) return null;
  for (const condition of ['import', 'node', 'default']) {
    const found = entryFromExports(root[condition]);
    if (found) return found;
  }
  return null;
}

export interface LoadedPluginPackage {
  dir: string;
  packageJson: { name?: string; version?: string; marr?: unknown; main?: string; exports?: ExportsField };
  plugin: PluginDefinition;
}

/** Reads a plugin package's package.json and imports its module (the default export, or `plugin`). */
export async function loadPluginPackage(dir: string): Promise<LoadedPluginPackage> {
  let packageJson: LoadedPluginPackage['packageJson'];
  try {
    packageJson = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
  } catch (err) {
    throw new MarrUsageError(`cannot read the plugin package.json in ${dir}: ${(err as Error).message}`);
  }
  const entry = entryFromExports(packageJson.exports) ?? packageJson.main ?? 'index.js';
  const url = pathToFileURL(join(dir, entry)).href;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (err) {
    throw new MarrUsageError(
      `cannot import plugin ${packageJson.name ?? dir} from ${entry}: ${(err as Error).message}\n` +
        'Is the plugin built? (run its build, e.g. `npm run build` in its folder)',
    );
  }
  const plugin = (mod.default ?? mod.plugin) as PluginDefinition | undefined;
  if (!plugin || typeof plugin !== 'object' || !Array.isArray(plugin.analyses)) {
    throw new MarrUsageError(
      `plugin ${packageJson.name ?? dir} must export its definePlugin(...) result as the default export (or as "plugin")`,
    );
  }
  return { dir, packageJson, plugin };
}

/** Imports the plugin package in `dir` and compares its manifest with its module. */
export async function checkPluginManifest(dir: string): Promise<string[]> {
  const { packageJson, plugin } = await loadPluginPackage(dir);
  return manifestProblems(packageJson, plugin);
}

/**
 * Generates the `"marr"` manifest of the plugin package in `dir` from its built module and writes it into
 * package.json when it differs (keeping the file's other fields and their order). Run after the build
 * (`tools/plugin-manifest.mjs`); returns whether package.json changed.
 */
export async function writePluginManifest(dir: string): Promise<{ changed: boolean; manifest: PluginManifest }> {
  const { plugin } = await loadPluginPackage(dir);
  const path = join(dir, 'package.json');
  const text = await readFile(path, 'utf8');
  const pkg = JSON.parse(text) as Record<string, unknown>;
  const manifest = pluginManifest(plugin);
  // The studies a plugin ships (`marr.studies`, listed by hand) stay as they are.
  const studies = (pkg.marr as { studies?: unknown } | undefined)?.studies;
  const next = studies === undefined ? manifest : { ...manifest, studies };
  if (JSON.stringify(pkg.marr) === JSON.stringify(next)) return { changed: false, manifest };
  pkg.marr = next;
  await writeFile(path, JSON.stringify(pkg, null, 2) + '\n');
  return { changed: true, manifest };
}
