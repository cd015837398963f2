/**
 * Finding the studies installed packages ship: a package lists its study files in package.json,
 * `"marr": {"studies": ["studies/refusal.json", ...]}` (a plugin adds the field next to its manifest).
 * Packages are found as plugins are (the working directory's node_modules chain and the CLI's own
 * installation); only package.json files and the listed study files are read, nothing is imported.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageDirs, searchRoots } from './plugins.js';

export interface DiscoveredStudy {
  name: string;
  title: string;
  description: string;
  /** The model the study was written for. */
  model: string | null;
  /** The study file (absolute). */
  file: string;
  /** The package that ships it. */
  packageName: string;
  packageVersion: string;
}

export interface StudyDiscovery {
  studies: DiscoveredStudy[];
  /** Listed study files that cannot be read, with the reason (shown by `marr study --list`). */
  problems: string[];
}

interface PackageJson {
  name?: string;
  version?: string;
  marr?: { studies?: unknown };
}

function readStudyHead(file: string): { name: string; title: string; description: string; model: string | null } | string {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return `cannot read ${file}: ${(err as Error).message}`;
  }
  const s = (raw ?? {}) as Record<string, unknown>;
  if (typeof s.name !== 'string' || typeof s.title !== 'string') return `${file}: a study needs a "name" and a "title"`;
  return {
    name: s.name,
    title: s.title,
    description: typeof s.description === 'string' ? s.description : '',
    model: typeof s.model === 'string' ? s.model : null,
  };
}

export function discoverStudies(cwd = process.cwd()): StudyDiscovery {
  const studies: DiscoveredStudy[] = [];
  const problems: string[] = [];
  const seenPackages = new Set<string>();
  for (const nm of searchRoots(cwd)) {
    for (const dir of packageDirs(nm)) {
      let pkg: PackageJson;
      try {
        const text = readFileSync(join(dir, 'package.json'), 'utf8');
        if (!text.includes('"studies"')) continue;
        pkg = JSON.parse(text) as PackageJson;
      } catch {
        continue;
      }
      const listed = pkg.marr?.studies;
      if (listed === undefined) continue;
      const name = pkg.name ?? dir;
      if (seenPackages.has(name)) continue;
      seenPackages.add(name);
      if (!Array.isArray(listed) || listed.some((f) => typeof f !== 'string')) {
        problems.push(`${name}: "marr.studies" must be an array of study file paths`);
        continue;
      }
      const real = realpathSync(dir);
      for (const rel of listed as string[]) {
        const file = resolve(real, rel);
        if (!existsSync(file)) {
          problems.push(`${name}: lists ${rel}, which does not exist`);
          continue;
        }
        const head = readStudyHead(file);
        if (typeof head === 'string') problems.push(`${name}: ${head}`);
        else studies.push({ ...head, file, packageName: name, packageVersion: pkg.version ?? '0.0.0' });
      }
    }
  }
  return { studies, problems };
}
