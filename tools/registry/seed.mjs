// Fills a Verdaccio storage folder with the third-party packages a user's install needs, taken from the
// folders `npm ci` installed in this checkout (no network): each becomes a packument (package.json) and
// a tarball in Verdaccio's storage layout, so the registry needs no uplink.
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import semver from 'semver';
import { packInstalled } from './tarball.mjs';

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** Node's lookup of `name` from `fromDir` upwards; the folder's real path, or undefined. */
function resolveInstalled(name, fromDir, root) {
  for (let d = fromDir; ; d = dirname(d)) {
    const candidate = join(d, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (d === root || dirname(d) === d) return undefined;
  }
}

/** The dependencies npm installs for a package: dependencies, optional ones and non-optional peers. */
function edges(manifest) {
  const optionalPeers = new Set(Object.entries(manifest.peerDependenciesMeta ?? {}).filter(([, m]) => m?.optional).map(([n]) => n));
  return [
    ...Object.keys(manifest.dependencies ?? {}).map((name) => ({ name, optional: false })),
    ...Object.keys(manifest.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
    ...Object.keys(manifest.peerDependencies ?? {}).filter((n) => !optionalPeers.has(n)).map((name) => ({ name, optional: false })),
  ];
}

/**
 * The installed third-party packages reachable from `starts` (`{ name, from }`: a dependency name and the
 * folder it is looked up from), leaving out the names in `published` (the workspace's own packages, which
 * the release publishes) but following their dependencies through their folders. Optional dependencies
 * that are not installed (other platforms' binaries) are left out; a missing required one is an error.
 * Returns Map<"name@version", { name, version, dir, manifest }>.
 */
export function installedClosure(starts, { root, published }) {
  const found = new Map();
  const seenDirs = new Set();
  const queue = [...starts.map((s) => ({ ...s, optional: false, via: '(start)' }))];
  while (queue.length) {
    const { name, from, optional, via } = queue.shift();
    const dir = resolveInstalled(name, from, root);
    if (!dir) {
      if (optional) continue;
      throw new Error(`${name} (needed by ${via}) is not installed under ${root}: run npm ci at the repository root first`);
    }
    if (seenDirs.has(dir)) continue;
    seenDirs.add(dir);
    const manifest = readJson(join(dir, 'package.json'));
    if (!published.has(manifest.name)) found.set(`${manifest.name}@${manifest.version}`, { name: manifest.name, version: manifest.version, dir, manifest });
    for (const e of edges(manifest)) queue.push({ name: e.name, from: dir, optional: e.optional, via: `${manifest.name}@${manifest.version}` });
  }
  return found;
}

/** Fields of an installed package.json that do not belong in a registry's version manifest. */
const LOCAL_FIELDS = new Set(['_id', '_resolved', '_integrity', '_from', '_where', '_args', '_location', '_phantomChildren', '_requested', '_requiredBy', '_spec', '_shasum', '_inBundle', '_development', '_optional', '_npmUser']);

/**
 * Writes every package of `closure` into Verdaccio's storage folder: `<storage>/<name>/package.json` (all
 * versions found, "latest" the highest) and `<storage>/<name>/<basename>-<version>.tgz`. Returns the count
 * of packages and tarballs and the bytes written.
 */
export function writeStorage(storage, closure) {
  const byName = new Map();
  for (const entry of closure.values()) byName.set(entry.name, [...(byName.get(entry.name) ?? []), entry]);
  let bytes = 0;
  const now = new Date(0).toISOString();
  for (const [name, entries] of byName) {
    const folder = join(storage, name);
    mkdirSync(folder, { recursive: true });
    const base = name.split('/').pop();
    const versions = {};
    const attachments = {};
    const time = { created: now, modified: now };
    for (const { version, dir, manifest } of entries) {
      const tar = packInstalled(dir, manifest);
      const file = `${base}-${version}.tgz`;
      writeFileSync(join(folder, file), tar.data);
      bytes += tar.data.length;
      const clean = Object.fromEntries(Object.entries(manifest).filter(([k]) => !LOCAL_FIELDS.has(k)));
      versions[version] = {
        ...clean,
        _id: `${name}@${version}`,
        dist: { tarball: `http://localhost/${name}/-/${file}`, shasum: tar.shasum, integrity: tar.integrity },
      };
      attachments[file] = { shasum: tar.shasum, version };
      time[version] = now;
    }
    const sorted = Object.keys(versions).sort(semver.compare);
    const stable = sorted.filter((v) => !semver.prerelease(v));
    const packument = {
      name,
      versions,
      'dist-tags': { latest: (stable.length ? stable : sorted).at(-1) },
      time,
      _uplinks: {},
      _distfiles: {},
      _attachments: attachments,
      _rev: '1-0000000000000000',
      readme: '',
    };
    writeFileSync(join(folder, 'package.json'), JSON.stringify(packument));
  }
  return { packages: byName.size, tarballs: closure.size, bytes };
}
