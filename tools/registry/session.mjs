// A user's session against a real local registry: Verdaccio on loopback with no uplink, seeded with the
// third-party packages the user's installs need (packed from this checkout's node_modules), the
// project's own release command publishing every workspace package to it, and helpers that run npm and
// marr in folders outside the repository with a temporary .npmrc and npm cache, recording every command
// and its output (the registry end-to-end test asserts on them; the docs' authoring guide shows them).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { installedClosure, writeStorage } from './seed.mjs';
import { npmrcFor, startRegistry } from './verdaccio.mjs';
import { publicPackages, repoRoot } from '../workspace.mjs';

/** Runs a command; resolves `{ status, stdout, stderr, ms }` (never rejects on a non-zero exit). */
function run(cmd, args, { cwd, env, timeoutMs }) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status: signal ? `killed by ${signal} (timeout ${timeoutMs} ms?)` : status, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/**
 * The environment for user commands: none of the caller's npm_* settings (an `npm test` above us sets
 * many) nor Nx task variables (the release's build is a fresh Nx run), only the temporary ones.
 */
function userEnv(dir, url) {
  const inherited = ([k]) => !/^npm_/i.test(k) && !/^NX_/.test(k) && k !== 'MARR_PLUGINS_FROM_CLI' && k !== 'FORCE_COLOR';
  const env = Object.fromEntries(Object.entries(process.env).filter(inherited));
  return {
    ...env,
    npm_config_userconfig: join(dir, '.npmrc'),
    npm_config_globalconfig: join(dir, 'npmrc.global'),
    npm_config_registry: url,
    npm_config_cache: join(dir, 'npm-cache'),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_loglevel: 'warn',
    // @marr/core falls back to its reference backend without the ONNX Runtime binaries' download.
    ONNXRUNTIME_NODE_INSTALL: 'skip',
    NO_COLOR: '1',
    CI: '1',
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
  };
}

/**
 * The third-party devDependencies of a plugin made by `marr create-plugin` (typescript, vitest, ...), read
 * from the CLI's own template (built marr-cli), so the registry holds what the scaffold's `npm install` needs.
 */
export async function scaffoldDevDependencies() {
  const { pluginFiles } = await import('marr-cli');
  const manifest = JSON.parse(pluginFiles({ packageName: 'scaffold-probe', coreRange: '^0.0.0' })['package.json']);
  const published = new Set(publicPackages().map((p) => p.manifest.name));
  return Object.keys(manifest.devDependencies ?? {}).filter((name) => !published.has(name));
}

/**
 * Starts a session: a temporary folder (outside the repository) holding the registry, the .npmrc, the
 * npm cache and the user's folders. `installs` are the packages the user will install (e.g. marr-cli,
 * @marr/probes) and `extra` further third-party names (the scaffold's devDependencies): their installed
 * closure is seeded into the registry. Call `close()` in a finally/afterAll: it stops Verdaccio and
 * removes the folder.
 */
export async function openSession({ installs, extra = [], keep = false }) {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'marr-registry-')));
  const transcript = [];
  let registry;
  const close = async () => {
    await registry?.stop();
    if (!keep) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const workspace = publicPackages();
    const published = new Set(workspace.map((p) => p.manifest.name));
    const unknown = installs.filter((n) => !published.has(n));
    if (unknown.length) throw new Error(`not workspace packages: ${unknown.join(', ')}`);
    const starts = [...installs, ...extra].map((name) => ({ name, from: repoRoot }));
    const seedStarted = Date.now();
    const closure = installedClosure(starts, { root: repoRoot, published });
    const seeded = writeStorage(join(dir, 'registry', 'storage'), closure);
    const seedMs = Date.now() - seedStarted;
    registry = await startRegistry(join(dir, 'registry'));
    const token = await registry.addUser('marr-e2e', 'marr-e2e-password');
    writeFileSync(join(dir, '.npmrc'), npmrcFor(registry.url, token));
    writeFileSync(join(dir, 'npmrc.global'), '');
    const env = userEnv(dir, registry.url);

    /** Runs `cmd args` in `cwd`, records it, and throws with its output when it fails (unless allowFailure). */
    const sh = async (cmd, args, cwd, { allowFailure = false, timeoutMs = 600_000 } = {}) => {
      const r = await run(cmd, args, { cwd, env, timeoutMs });
      const entry = { command: [cmd, ...args].join(' '), cwd, where: relative(dir, cwd) || '.', ...r };
      transcript.push(entry);
      if (r.status !== 0 && !allowFailure) {
        throw new Error(`\`${entry.command}\` in ${cwd} failed (${r.status}) after ${r.ms} ms:\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);
      }
      return entry;
    };
    /** A fresh folder in the session. */
    const folder = (name) => {
      const path = join(dir, name);
      mkdirSync(path, { recursive: true });
      return path;
    };
    return {
      dir,
      url: registry.url,
      seeded: { ...seeded, ms: seedMs },
      transcript,
      published: [...published],
      sh,
      folder,
      /** The project's own release command (build, then changeset publish), without git tags. */
      release: () => sh('npm', ['run', 'release', '--', '--no-git-tag'], repoRoot, { timeoutMs: 900_000 }),
      npm: (args, cwd, opts) => sh('npm', args, cwd, opts),
      npx: (args, cwd, opts) => sh('npx', args, cwd, opts),
      /** What the registry holds for `name` (its packument), or undefined. */
      packument: async (name) => {
        const r = await fetch(`${registry.url}${name.replace('/', '%2f')}`);
        return r.ok ? r.json() : undefined;
      },
      registryLog: () => registry.log(),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
