/**
 * Issue 25, end to end through a real registry, as a user would do it. A Verdaccio registry runs on a
 * loopback port with its storage in a temporary folder and no uplink (nothing reaches the network): it is
 * seeded with the third-party packages the installs below need, packed from this checkout's node_modules.
 *
 * 1. Before anything is published, `marr create-plugin --local <checkout>` makes a plugin wired to the
 *    checkout's @marr/core; its `npm install` and `npm test` pass.
 * 2. The project's own release command (`npm run release`: build, then changeset publish) publishes every
 *    public workspace package to the registry.
 * 3. In a fresh folder outside the repository: `npm install marr-cli @marr/probes`; `marr list` shows
 *    exactly the probes' analyses; `marr run sparse-probe` finds a planted neuron.
 * 4. `npx marr create-plugin my-plugin`, `npm install` (from the registry), `npm test`, `npm publish`;
 *    `npm install my-plugin` in the user's folder; `marr list` discovers it and `marr run` runs it with
 *    closed-form numbers.
 *
 * Every npm command uses a temporary .npmrc and npm cache; the session folder and Verdaccio go away in
 * afterAll, also when a step fails. The build comes first in CI (this project's test target depends on
 * every package's build), so the release's build step is a cache hit there.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module of the workspace tools, without type declarations
import { openSession, scaffoldDevDependencies } from '../../../tools/registry/session.mjs';
// @ts-expect-error as above
import { publicPackages, repoRoot } from '../../../tools/workspace.mjs';

interface Step {
  command: string;
  status: number | string;
  stdout: string;
  stderr: string;
  ms: number;
}
interface Session {
  dir: string;
  url: string;
  seeded: { packages: number; tarballs: number; bytes: number; ms: number };
  transcript: Step[];
  published: string[];
  folder(name: string): string;
  sh(cmd: string, args: string[], cwd: string): Promise<Step>;
  release(): Promise<Step>;
  npm(args: string[], cwd: string): Promise<Step>;
  npx(args: string[], cwd: string): Promise<Step>;
  packument(name: string): Promise<{ versions: Record<string, unknown> } | undefined>;
  close(): Promise<void>;
}
interface Analysis {
  id: string;
  title: string;
  level: string;
  summary: string;
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const probesManifest = readJson(join(repoRoot, 'packages/probes/package.json')) as { version: string; marr: { analyses: Analysis[] } };
const cliMain = join(repoRoot, 'apps/cli/dist/main.js');

let session: Session;
let user: string;
let started: number;

/** Deterministic normal deviates (Box-Muller on a linear congruential generator), seed given. */
function normals(seed: number) {
  let s = seed >>> 0;
  const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

beforeAll(async () => {
  started = Date.now();
  // The registry also holds the scaffold's devDependencies (typescript, vitest, ...), read from the CLI's template.
  session = (await openSession({ installs: ['marr-cli', '@marr/probes'], extra: await scaffoldDevDependencies() })) as Session;
}, 300_000);

afterAll(async () => {
  await session?.close();
  if (session) console.log(`registry e2e: ${((Date.now() - started) / 1000).toFixed(1)} s in all; seeding ${session.seeded.tarballs} tarballs (${(session.seeded.bytes / 1e6).toFixed(0)} MB) took ${(session.seeded.ms / 1000).toFixed(1)} s; ${session.transcript.map((s) => `${s.command.split(' ').slice(0, 3).join(' ')} ${(s.ms / 1000).toFixed(1)} s`).join('; ')}`);
}, 60_000);

describe('marr through a real local registry (Verdaccio, loopback, no uplink)', () => {
  it('create-plugin --local wires a plugin to the checkout before anything is published; its tests pass', async () => {
    expect(await session.packument('@marr/core'), 'nothing of marr is on the registry yet').toBeUndefined();
    const parent = session.folder('before-release');
    const created = await session.sh(process.execPath, [cliMain, 'create-plugin', 'local-plugin', '--local', repoRoot], parent);
    const coreDir = join(repoRoot, 'packages/core');
    expect(created.stdout).toContain(`@marr/core: linked to the marr checkout at ${repoRoot.replace(/\/$/, '')} (file:${coreDir}; --local)`);
    const pluginDir = join(parent, 'local-plugin');
    expect(readJson(join(pluginDir, 'package.json')).devDependencies['@marr/core']).toBe(`file:${coreDir}`);
    await session.npm(['install'], pluginDir);
    const tested = await session.npm(['test'], pluginDir);
    expect(tested.stdout).toMatch(/Tests\s+2 passed/);
  }, 300_000);

  it('publishes every public workspace package with the release command', async () => {
    const release = await session.release();
    const expected = (publicPackages() as { manifest: { name: string; version: string } }[]).map((p) => p.manifest);
    for (const { name, version } of expected) {
      expect(release.stdout, name).toContain(`${name}@${version}`);
      expect(Object.keys((await session.packument(name))?.versions ?? {}), `${name} on the registry`).toContain(version);
    }
  }, 900_000);

  it('installs only marr-cli and @marr/probes: marr list shows exactly the probes analyses', async () => {
    user = session.folder('my-project');
    await session.npm(['init', '-y'], user);
    await session.npm(['install', 'marr-cli', '@marr/probes'], user);
    const installed = readJson(join(user, 'package.json')).dependencies;
    expect(Object.keys(installed).sort()).toEqual(['@marr/probes', 'marr-cli']);
    const list = await session.npx(['marr', 'list', '--json'], user);
    expect(JSON.parse(list.stdout)).toEqual(probesManifest.marr.analyses.map((a) => ({ ...a, plugin: '@marr/probes', pluginVersion: probesManifest.version })));
    await session.npx(['marr', 'list'], user);
  }, 600_000);

  it('marr run sparse-probe finds the one neuron that separates the labels by construction', async () => {
    // 160 rows; "planted" is +-3 plus small noise by label (perfectly separable), d0..d4 are pure noise.
    const normal = normals(7);
    const rows = ['label,d0,d1,planted,d2,d3,d4'];
    for (let i = 0; i < 160; i++) {
      const yes = i % 2 === 0;
      const decoys = Array.from({ length: 5 }, () => normal().toFixed(5));
      rows.push([yes ? 'yes' : 'no', decoys[0], decoys[1], ((yes ? 3 : -3) + 0.3 * normal()).toFixed(5), ...decoys.slice(2)].join(','));
    }
    writeFileSync(join(user, 'acts.csv'), rows.join('\n') + '\n');
    const run = await session.npx(
      ['marr', 'run', 'sparse-probe', '--input', 'activations=acts.csv', '--param', 'positive=yes', '--param', 'methods=mean-diff', '--param', 'kValues=1,2', '--out', 'out/probe'],
      user,
    );
    expect(run.status).toBe(0);
    const report = readJson(join(user, 'out/probe/report.json'));
    expect(report.analysis.plugin).toBe('@marr/probes');
    expect(report.results.bestNeuron).toBe('planted');
    const k1 = (report.results.byK as { k: number; selected: string[]; f1: number }[]).find((r) => r.k === 1)!;
    expect(k1.selected).toEqual(['planted']);
    expect(k1.f1).toBe(1);
  }, 300_000);

  it('create-plugin outside a checkout depends on the registry; npm install, npm test and npm publish work', async () => {
    const created = await session.npx(['marr', 'create-plugin', 'my-plugin'], user);
    const coreVersion = readJson(join(repoRoot, 'packages/core/package.json')).version;
    expect(created.stdout).toContain(`@marr/core: ^${coreVersion} from the npm registry`);
    const pluginDir = join(user, 'my-plugin');
    const manifest = readJson(join(pluginDir, 'package.json'));
    expect(manifest.devDependencies['@marr/core']).toBe(`^${coreVersion}`);
    expect(manifest.peerDependencies['@marr/core']).toBe(`^${coreVersion}`);
    await session.npm(['install'], pluginDir);
    // @marr/core came from the registry, as a real folder, not a link into this checkout.
    expect(readJson(join(pluginDir, 'node_modules/@marr/core/package.json')).version).toBe(coreVersion);
    expect(readFileSync(join(pluginDir, 'package-lock.json'), 'utf8')).toContain(`${session.url}@marr/core/-/core-${coreVersion}.tgz`);
    const tested = await session.npm(['test'], pluginDir);
    expect(tested.stdout).toMatch(/Tests\s+2 passed/);
    await session.npm(['publish'], pluginDir);
    expect(Object.keys((await session.packument('my-plugin'))?.versions ?? {})).toEqual(['0.1.0']);
  }, 600_000);

  it('the published plugin installs into the user folder; marr list discovers it and marr run runs it', async () => {
    await session.npm(['install', 'my-plugin'], user);
    const list = JSON.parse((await session.npx(['marr', 'list', '--json'], user)).stdout) as (Analysis & { plugin: string })[];
    expect(list.map((a) => `${a.plugin}:${a.id}`).sort()).toEqual(
      [...probesManifest.marr.analyses.map((a) => `@marr/probes:${a.id}`), 'my-plugin:my-plugin-column-stats'].sort(),
    );
    const verify = await session.npx(['marr', 'plugins', '--verify'], user);
    expect(verify.stdout).toContain(`my-plugin 0.1.0  (node_modules: ${join(user, 'node_modules/my-plugin')})`);
    expect(verify.stdout).not.toContain('manifest problems');
    expect(verify.status).toBe(0);
    expect(verify.stdout.match(/manifest: OK/g)).toHaveLength(2);
    const described = await session.npx(['marr', 'describe', 'my-plugin-column-stats'], user);
    expect(described.stdout).toContain('digits: integer in [1, 12] default 6');
    // x = 1..5: mean 3, sample standard deviation sqrt(2.5); y = 2x.
    writeFileSync(join(user, 'table.csv'), 'x,y,name\n1,2,a\n2,4,b\n3,6,c\n4,8,d\n5,10,e\n');
    const run = await session.npx(['marr', 'run', 'my-plugin-column-stats', '--data', 'table.csv', '--out', 'out/stats'], user);
    expect(run.stdout).toContain('2 numeric columns; x has mean 3.00000.');
    const report = readJson(join(user, 'out/stats/report.json'));
    expect(report.analysis.plugin).toBe('my-plugin');
    const validate = new Ajv2020({ strict: false }).compile(readJson(join(repoRoot, 'docs/report.schema.json')));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(readFileSync(join(user, 'out/stats/report.html'), 'utf8')).toContain('<svg');
    expect(report.results.stats.x.mean).toBe(3);
    expect(report.results.stats.x.std).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(report.results.stats.y.std).toBeCloseTo(2 * Math.sqrt(2.5), 12);
  }, 600_000);
});
