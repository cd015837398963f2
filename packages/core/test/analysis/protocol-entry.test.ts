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
      'analysis/protocol.ts',
      'node:fs/promises',
      'node:path',
      'node:url',
      'protocol.ts',
      'report/format.ts',
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
