/**
 * The optional project config: `marr.config.json` (or `marr.config.js` / `.mjs`, default-exporting the
 * same object) in the working directory.
 *
 *   { "plugins": ["./my-plugin", "some-installed-package"], "models": { "mine": "./models/mine" } }
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../errors.js';

export interface MarrConfig {
  /** Where the config was read from (null when there is none). */
  path: string | null;
  /** Plugin package folders (absolute) or package names. */
  plugins: string[];
  /** Local model folders by name (absolute paths). */
  models: Record<string, string>;
}

const NAMES = ['marr.config.json', 'marr.config.js', 'marr.config.mjs'];

function normalise(raw: unknown, path: string): MarrConfig {
  if (!raw || typeof raw !== 'object') throw new UsageError(`${path} must contain an object like {"plugins": [], "models": {}}`);
  const r = raw as { plugins?: unknown; models?: unknown };
  const base = dirname(path);
  const plugins: string[] = [];
  if (r.plugins !== undefined) {
    if (!Array.isArray(r.plugins) || r.plugins.some((p) => typeof p !== 'string')) {
      throw new UsageError(`${path}: "plugins" must be an array of folder paths or package names`);
    }
    for (const p of r.plugins as string[]) plugins.push(p.startsWith('.') || p.startsWith('/') ? resolve(base, p) : p);
  }
  const models: Record<string, string> = {};
  if (r.models !== undefined) {
    if (!r.models || typeof r.models !== 'object' || Array.isArray(r.models)) {
      throw new UsageError(`${path}: "models" must be an object of {"name": "folder"} pairs`);
    }
    for (const [name, folder] of Object.entries(r.models)) {
      if (typeof folder !== 'string') throw new UsageError(`${path}: model "${name}" must be a folder path`);
      models[name] = resolve(base, folder);
    }
  }
  return { path, plugins, models };
}

export async function readConfig(cwd = process.cwd()): Promise<MarrConfig> {
  for (const name of NAMES) {
    const path = join(cwd, name);
    if (!existsSync(path)) continue;
    if (name.endsWith('.json')) {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(path, 'utf8'));
      } catch (err) {
        throw new UsageError(`${path} is not valid JSON: ${(err as Error).message}`);
      }
      return normalise(raw, path);
    }
    const mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
    return normalise(mod.default, path);
  }
  return { path: null, plugins: [], models: {} };
}
