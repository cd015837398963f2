import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as protocol from '../../src/protocol.js';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Every module `file` loads at run time (type-only imports skipped), recursively. */
function runtimeImports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'/gms)) {
    if (m[1]) continue;
    const spec = m[2];
    if (spec.startsWith('.')) runtimeImports(resolve(dirname(file), spec.replace(/\.js$/, '.ts')), seen);
    else seen.add(spec);
  }
  return seen;
}

describe('@marr/core/protocol', () => {
  it('loads only its own small modules and Node built-ins (no zod, tensors or onnxruntime)', () => {
    const loaded = [...runtimeImports(join(src, 'protocol.ts'))].map((f) => (f.startsWith(src) ? f.slice(src.length + 1) : f)).sort();
    expect(loaded).toEqual([
      'analysis/errors.ts',
      'analysis/manifest.ts',
      'analysis/names.ts',
      'analysis/package-info.ts',
      'analysis/protocol.ts',
      'node:fs',
      'node:fs/promises',
      'node:os',
      'node:path',
      'node:url',
      'protocol.ts',
      'report/format.ts',
      'settings.ts',
    ]);
  });

  it('exports the levels, the plugin API, usage errors, close matches, terminal escaping and manifest checks', () => {
    expect(protocol.MARR_LEVELS).toEqual(['computational', 'algorithmic', 'implementational']);
    expect(protocol.isUsageError(new protocol.MarrUsageError('x'))).toBe(true);
    expect(protocol.closeMatches('demo-trnd', ['demo-trend', 'demo-loss', 'stages'])).toEqual(['demo-trend']);
    expect(protocol.closeMatches('sindy', ['sindy-benchmark', 'sindy', 'probe-sweep'])).toEqual(['sindy', 'sindy-benchmark']);
    expect(protocol.editDistance('kitten', 'sitting')).toBe(3);
    expect(protocol.terminalSafe('a\u001b[2Jb\nc')).toBe('a\\u001b[2Jb\nc');
    expect(protocol.terminalSafeLine('a\u001b[2Jb\nc\td')).toBe('a\\u001b[2Jb\\nc\\td');
    expect(protocol.manifestShapeProblems({ plugin: true, apiVersion: 1, analyses: [{ id: 'x', title: 't', summary: 's', level: 'nope' }] })).toEqual([
      '"marr.analyses[0].level" must be one of computational, algorithmic, implementational',
    ]);
  });
});

describe('settings', () => {
  it('reads every documented variable into one object, with defaults', () => {
    const s = protocol.readSettings({
      MARR_BACKEND: 'reference', MARR_THREADS: '3', MARR_ORT_SPIN: '1', MARR_SHARED: '/data/shared', MARR_REQUIRE_FIXTURES: '1',
      MARR_ALLOW_REMOTE: '1', MARR_CACHE_DIR: '/tmp/hub', HF_ENDPOINT: 'https://hub.example/', HF_TOKEN: 'tok', MARR_PLUGINS_FROM_CLI: '0',
      MARR_DEVICE: 'cuda', MARR_FUSED: '0', MARR_WASM: '0', MARR_NON_FINITE_WEIGHTS: 'warn', MARR_BATCH_MEMORY_MB: '64',
    });
    expect(s).toEqual({
      backend: 'reference', threads: 3, ortSpin: true, shared: '/data/shared', requireFixtures: true,
      allowRemote: true, cacheDir: '/tmp/hub', hfEndpoint: 'https://hub.example', hfToken: 'tok', pluginsFromCli: false,
      device: 'cuda', fused: false, wasm: false, nonFiniteWeights: 'warn', batchMemoryMB: 64,
    });
    const d = protocol.readSettings({});
    expect(d).toMatchObject({ backend: null, threads: null, ortSpin: false, shared: null, allowRemote: false, hfEndpoint: 'https://huggingface.co', hfToken: null, pluginsFromCli: true, device: null, fused: true, wasm: true, batchMemoryMB: 160 });
    expect(() => protocol.readSettings({ MARR_BATCH_MEMORY_MB: '0' })).toThrow(/MARR_BATCH_MEMORY_MB="0" must be a positive number/);
    expect(() => protocol.readSettings({ MARR_DEVICE: 'tpu' })).toThrow(/MARR_DEVICE="tpu" is not a device; use cpu or cuda/);
    expect(d.cacheDir).toMatch(/\.cache[/\\]marr[/\\]hub$/);
    expect(protocol.SETTINGS.map((v) => v.setting).sort()).toEqual(Object.keys(s).sort());
  });

  it('are documented in the core README, one row per variable, as SETTINGS says', () => {
    const readme = readFileSync(join(src, '..', 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `(\w+)` \| `(\w+)` \| (.+?) \| (.+?) \|$/gm)].map((m) => ({ variable: m[1], setting: m[2], values: m[3].replace(/\\\|/g, '|'), meaning: m[4] }));
    expect(rows).toEqual(protocol.SETTINGS);
  });

  it('rejects a bad value naming the variable and the valid values', () => {
    expect(() => protocol.readSettings({ MARR_BACKEND: 'cuda' })).toThrow('MARR_BACKEND="cuda" is not a backend; use onnxruntime or reference');
    expect(() => protocol.readSettings({ MARR_THREADS: 'many' })).toThrow('MARR_THREADS="many" must be a positive integer');
  });
});
