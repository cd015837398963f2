// Packs an installed package folder into an npm tarball (gzipped ustar, every path under "package/"),
// the way `npm pack` lays it out, without running npm: node_modules is left out except bundled dependencies.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

function octal(value, width) {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** A 512-byte ustar header; long paths are split into prefix (155) and name (100) at a slash. */
function header(path, size, mode, type) {
  let name = path;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const at = [...path.matchAll(/\//g)].map((m) => m.index).find((i) => Buffer.byteLength(path.slice(i + 1)) <= 100 && Buffer.byteLength(path.slice(0, i)) <= 155);
    if (at === undefined) throw new Error(`path too long for a tarball: ${path}`);
    prefix = path.slice(0, at);
    name = path.slice(at + 1);
  }
  const h = Buffer.alloc(512, 0);
  h.write(name, 0, 100);
  h.write(octal(mode & 0o7777, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(size, 12), 124);
  h.write(octal(0, 12), 136); // mtime 0 (npm pack uses a fixed date as well): the same folder gives the same bytes
  h.fill(' ', 148, 156);
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write(prefix, 345, 155);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148);
  return h;
}

/** Regular files under `dir`, sorted, skipping node_modules except the named bundled dependencies. */
function packFiles(dir, bundled) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d).sort()) {
      const full = join(d, entry);
      const rel = relative(dir, full).split(sep).join('/');
      if (entry === 'node_modules' && d === dir) {
        for (const b of bundled) walk(join(full, b));
        continue;
      }
      const st = lstatSync(full, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(full);
      else if (st.isFile()) out.push({ rel, full, mode: st.mode });
    }
  };
  walk(dir);
  return out;
}

/**
 * The tarball of an installed package: `{ data, integrity, shasum }` (integrity is sha512 in SRI form,
 * shasum the hex sha1, the two fields npm checks in a packument's "dist").
 */
export function packInstalled(dir, manifest) {
  const bundled = manifest.bundleDependencies ?? manifest.bundledDependencies ?? [];
  const names = Array.isArray(bundled) ? bundled : bundled === true ? Object.keys(manifest.dependencies ?? {}) : [];
  const chunks = [];
  for (const f of packFiles(dir, names)) {
    const data = readFileSync(f.full);
    chunks.push(header(`package/${f.rel}`, data.length, f.mode & 0o111 ? 0o755 : 0o644, '0'), data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad) chunks.push(Buffer.alloc(pad));
  }
  chunks.push(Buffer.alloc(1024));
  const data = gzipSync(Buffer.concat(chunks), { level: 1 });
  return {
    data,
    integrity: `sha512-${createHash('sha512').update(data).digest('base64')}`,
    shasum: createHash('sha1').update(data).digest('hex'),
  };
}
