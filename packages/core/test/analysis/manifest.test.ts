import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPluginManifest, loadPluginPackage, manifestProblems, manifestShapeProblems, pluginManifest, pluginPackage, writePluginManifest } from '../../src/index.js';
import { trendPlugin } from './fixtures/trend-plugin.js';

const goodManifest = {
  plugin: true,
  apiVersion: 1,
  analyses: [{ id: 'linear-trend', title: 'Linear trend', level: 'computational', summary: 'Least-squares slope of every series, with a bootstrap standard error' }],
};

describe('plugin manifests', () => {
  it('derives the manifest from the module', () => {
    expect(pluginManifest(trendPlugin)).toEqual(goodManifest);
    expect(manifestProblems({ name: 'trend-plugin', version: '1.2.3', marr: goodManifest }, trendPlugin)).toEqual([]);
  });

  it('reports every kind of drift between package.json and the module', () => {
    const drifted = {
      name: 'other-name',
      version: '9.9.9',
      marr: { ...goodManifest, analyses: [{ ...goodManifest.analyses[0], title: 'Old title' }, { id: 'gone', title: 'Gone', level: 'algorithmic', summary: 'x' }] },
    };
    const problems = manifestProblems(drifted, trendPlugin);
    expect(problems).toContain('plugin name "trend-plugin" differs from the package name "other-name"');
    expect(problems).toContain('plugin version "1.2.3" differs from the package version "9.9.9"');
    expect(problems).toContain('analysis "linear-trend": manifest title "Old title" differs from the module\'s "Linear trend"');
    expect(problems).toContain('analysis "gone" is in the manifest but not exported by the module');
    expect(problems.at(-1)).toBe(`expected "marr": ${JSON.stringify(goodManifest)}`);
    expect(manifestProblems({ marr: { ...goodManifest, analyses: [] } }, trendPlugin)).toContain(
      'analysis "linear-trend" is exported by the module but missing from the manifest',
    );
  });

  it('checks the manifest shape', () => {
    expect(manifestShapeProblems(undefined)).toEqual(['the "marr" field must be an object']);
    expect(manifestShapeProblems({ plugin: true, apiVersion: 1, analyses: [{ id: 'x', title: 't', summary: 's', level: 'physical' }] })).toEqual([
      '"marr.analyses[0].level" must be one of computational, algorithmic, implementational',
    ]);
  });

  it('imports a plugin package from its folder through package.json exports and verifies it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marr-manifest-'));
    mkdirSync(join(dir, 'dist'));
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'p', version: '0.1.0', type: 'module', exports: { '.': { import: './dist/index.js' } }, marr: { plugin: true, apiVersion: 1, analyses: [{ id: 'a', title: 'A', level: 'algorithmic', summary: 'old' }] } }),
    );
    writeFileSync(
      join(dir, 'dist/index.js'),
      `export default { name: 'p', version: '0.1.0', apiVersion: 1, analyses: [{ id: 'a', title: 'A', level: 'algorithmic', summary: 'new', inputs: {}, params: null, run: async () => null }] };\n`,
    );
    const loaded = await loadPluginPackage(dir);
    expect(loaded.plugin.name).toBe('p');
    expect(await checkPluginManifest(dir)).toContain('analysis "a": manifest summary "old" differs from the module\'s "new"');
    // Generating the manifest from the module fixes it, keeps the other fields in order, and is idempotent.
    expect((await writePluginManifest(dir)).changed).toBe(true);
    const written = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(Object.keys(written)).toEqual(['name', 'version', 'type', 'exports', 'marr']);
    expect(written.marr).toEqual({ plugin: true, apiVersion: 1, analyses: [{ id: 'a', title: 'A', level: 'algorithmic', summary: 'new' }] });
    expect(await checkPluginManifest(dir)).toEqual([]);
    expect((await writePluginManifest(dir)).changed).toBe(false);
    // The studies a plugin lists by hand (`marr.studies`) survive regeneration.
    const withStudies = { ...written, marr: { ...written.marr, analyses: [{ ...written.marr.analyses[0], summary: 'stale' }], studies: ['studies/s.json'] } };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(withStudies));
    expect((await writePluginManifest(dir)).changed).toBe(true);
    const again = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(again.marr).toEqual({ plugin: true, apiVersion: 1, analyses: [{ id: 'a', title: 'A', level: 'algorithmic', summary: 'new' }], studies: ['studies/s.json'] });
    expect((await writePluginManifest(dir)).changed).toBe(false);
  });

  it('takes a plugin\'s name and version from the package.json above its module', () => {
    const dir = mkdtempSync(join(tmpdir(), 'marr-pkg-'));
    mkdirSync(join(dir, 'dist', 'deep'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@me/plugin', version: '2.3.4' }));
    expect(pluginPackage(pathToFileURL(join(dir, 'dist', 'deep', 'index.js')).href)).toEqual({ name: '@me/plugin', version: '2.3.4' });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@me/plugin' }));
    expect(() => pluginPackage(pathToFileURL(join(dir, 'dist', 'index.js')).href)).toThrow('needs a "name" and a "version"');
  });

  it('explains a plugin that is not built or exports nothing usable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marr-manifest-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'q', version: '0.1.0', type: 'module', main: 'dist/index.js' }));
    await expect(loadPluginPackage(dir)).rejects.toThrow(/cannot import plugin q from dist\/index.js[\s\S]*Is the plugin built/);
    writeFileSync(join(dir, 'index.js'), 'export const x = 1;\n');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'q', version: '0.1.0', type: 'module' }));
    await expect(loadPluginPackage(dir)).rejects.toThrow(/must export its definePlugin\(\.\.\.\) result as the default export/);
  });
});
