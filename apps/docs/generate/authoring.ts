/**
 * The plugin authoring guide's worked example, done for real while the site is generated, the way a user
 * does it through a registry (the same path as apps/marr/test/registry-e2e.test.ts): a local Verdaccio
 * registry (loopback, no uplink) receives every marr package from the project's release command; in a
 * fresh folder outside the repository the user installs marr-cli, runs `npx marr create-plugin`, and in the
 * plugin's folder `npm install`, `npm test` and `npm publish`; back in the project `npm install` of the
 * plugin, `marr plugins --verify`, `marr describe` and `marr run`. The guide shows the files and outputs
 * captured here.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileAtomic } from '@marr/core';
import type { AuthoringExample, AuthoringStep } from './catalog.js';
import { generatedDir, repoRoot } from './paths.js';

const PACKAGE = '@acme/marr-example';
const FOLDER = 'marr-example';
const PROJECT = 'my-project';
const SHOWN_FILES = ['package.json', 'src/index.ts', 'src/column-stats.ts', 'test/index.test.ts'];
/** Shown in place of the registry's random loopback port (Verdaccio's default address). */
const SHOWN_REGISTRY = 'http://localhost:4873/';

interface Step {
  command: string;
  where: string;
  stdout: string;
  stderr: string;
}
interface Session {
  dir: string;
  url: string;
  seeded: { tarballs: number };
  published: string[];
  folder(name: string): string;
  release(): Promise<Step>;
  npm(args: string[], cwd: string): Promise<Step>;
  npx(args: string[], cwd: string): Promise<Step>;
  close(): Promise<void>;
}

/** A small table every user has: the cities the @marr/zoo corpus teaches, with their coordinates. */
async function citiesCsv(): Promise<string> {
  const { CITIES } = await import('@marr/zoo');
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return ['city,country,latitude,longitude', ...CITIES.map((c) => [quote(c.city), quote(c.country), c.lat, c.lon].join(','))].join('\n') + '\n';
}

export async function authoringExample(): Promise<AuthoringExample> {
  const root = join(generatedDir, 'authoring');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'out'), { recursive: true });
  // Plain JavaScript workspace tools, loaded at run time from the repository (not bundled).
  const { openSession, scaffoldDevDependencies } = (await import(pathToFileURL(join(repoRoot, 'tools/registry/session.mjs')).href)) as {
    openSession(options: { installs: string[]; extra: string[] }): Promise<Session>;
    scaffoldDevDependencies(): Promise<string[]>;
  };
  const session = await openSession({ installs: ['marr-cli'], extra: await scaffoldDevDependencies() });
  try {
    const tidy = (text: string) =>
      text
        .split(session.dir + '/')
        .join('')
        .split(session.dir)
        .join('.')
        .split(session.url)
        .join(SHOWN_REGISTRY)
        .replace(/^\s*(Start at|Duration)\b.*$/gm, '')
        .replace(/\n{3,}/g, '\n\n')
        .trim();
    const shown = (step: Step, display = step.command): AuthoringStep => ({
      command: display,
      where: step.where,
      output: tidy([step.stdout, step.stderr].filter((s) => s.trim()).join('\n')),
    });
    await session.release();

    const project = session.folder(PROJECT);
    const setup = [shown(await session.npm(['init', '-y'], project)), shown(await session.npm(['install', 'marr-cli'], project))];
    const created = await session.npx(['marr', 'create-plugin', PACKAGE], project);
    const pluginDir = join(project, FOLDER);
    const files = SHOWN_FILES.map((path) => ({ path, text: readFileSync(join(pluginDir, path), 'utf8') }));
    const analysisId = (JSON.parse(files[0].text) as { marr: { analyses: { id: string }[] } }).marr.analyses[0].id;
    const install = await session.npm(['install'], pluginDir);
    const tested = await session.npm(['test'], pluginDir);
    const published = await session.npm(['publish'], pluginDir);
    const added = await session.npm(['install', PACKAGE], project);

    await writeFileAtomic(join(project, 'cities.csv'), await citiesCsv());
    const plugins = await session.npx(['marr', 'plugins', '--verify'], project);
    const describe = await session.npx(['marr', 'describe', analysisId], project);
    const runArgs = ['marr', 'run', analysisId, '--data', 'cities.csv', '--out', 'out'];
    const run = await session.npx(runArgs, project);
    // The report files outlive the session's folder: the site serves them.
    for (const f of ['report.json', 'report.html']) copyFileSync(join(project, 'out', f), join(root, 'out', f));

    return {
      packageName: PACKAGE,
      folder: FOLDER,
      analysisId,
      registry: { shownUrl: SHOWN_REGISTRY, seededTarballs: session.seeded.tarballs, published: session.published },
      setup,
      create: shown(created),
      files,
      install: shown(install),
      test: shown(tested),
      publish: shown(published),
      add: shown(added),
      plugins: shown(plugins),
      describe: shown(describe),
      run: shown(run),
      reportJson: relative(generatedDir, join(root, 'out', 'report.json')),
      reportHtml: relative(generatedDir, join(root, 'out', 'report.html')),
    };
  } finally {
    await session.close();
  }
}
