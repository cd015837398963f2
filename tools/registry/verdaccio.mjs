// Starts a Verdaccio registry on a free loopback port with its config, storage and users in a given folder
// and no uplink (nothing reaches the network); stops it again. Used by the registry end-to-end test and
// the docs' plugin authoring guide.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A free TCP port on 127.0.0.1 (asked of the OS, then released for Verdaccio to take). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function config(dir, port) {
  return [
    `storage: ${JSON.stringify(join(dir, 'storage'))}`,
    'auth:',
    '  htpasswd:',
    `    file: ${JSON.stringify(join(dir, 'htpasswd'))}`,
    '    max_users: 100',
    'uplinks: {}',
    'packages:',
    "  '@*/*':",
    '    access: $all',
    '    publish: $authenticated',
    "  '**':",
    '    access: $all',
    '    publish: $authenticated',
    'web:',
    '  enable: false',
    'max_body_size: 500mb',
    'log: { type: stdout, format: pretty, level: warn }',
    `listen: 127.0.0.1:${port}`,
    '',
  ].join('\n');
}

async function waitUntilUp(url, child, output, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Verdaccio exited (${child.exitCode}) before it listened:\n${output()}`);
    try {
      const r = await fetch(`${url}-/ping`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Verdaccio did not answer ${url}-/ping within ${timeoutMs} ms:\n${output()}`);
}

/**
 * Starts Verdaccio with everything under `dir` (`dir/storage` may be filled before, see seed.mjs).
 * Returns `{ url, storage, addUser(name, password) -> token, stop() }`; `url` ends with a slash.
 */
export async function startRegistry(dir, { timeoutMs = 60_000 } = {}) {
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const port = await freePort();
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, config(dir, port));
  const bin = createRequire(import.meta.url).resolve('verdaccio/bin/verdaccio');
  const child = spawn(process.execPath, [bin, '--config', configFile], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } });
  // If this process ends without stop() (a killed test run), Verdaccio goes with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}/`;
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    });
  try {
    await waitUntilUp(url, child, () => log, timeoutMs);
  } catch (e) {
    await stop();
    throw e;
  }
  /** Creates a registry user and returns its token (what `npm adduser` would write into .npmrc). */
  const addUser = async (name, password) => {
    const r = await fetch(`${url}-/user/org.couchdb.user:${encodeURIComponent(name)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, password, type: 'user', roles: [], date: new Date().toISOString() }),
    });
    const body = await r.json();
    if (!r.ok || !body.token) throw new Error(`could not create registry user ${name}: ${r.status} ${JSON.stringify(body)}`);
    return body.token;
  };
  return { url, storage: join(dir, 'storage'), addUser, stop, log: () => log };
}

/** The lines of an .npmrc that send every install and publish to `url` with `token`. */
export function npmrcFor(url, token) {
  const host = url.replace(/^https?:/, '');
  return [`registry=${url}`, `${host}:_authToken=${token}`, 'audit=false', 'fund=false', 'update-notifier=false', ''].join('\n');
}
