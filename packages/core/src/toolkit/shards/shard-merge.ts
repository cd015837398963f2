/**
 * Merging shard folders: check that they are the shards of one run (same analysis, plugin and marr
 * versions, seed, parameters and input files by hash; shard indices 0..N-1 each once; item ranges
 * disjoint and complete), then add their sums in a fixed order.
 */
import { MarrUsageError } from '../../analysis/errors.js';
import { mergeStates, type PartialState } from './partial-state.js';
import type { PartialEnvelope, ShardFolder } from './partial-files.js';

/** Deterministic JSON (object keys sorted) for comparing parameters. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The inputs by content: roles with hashes and sizes (paths may differ from machine to machine). */
function inputIdentity(e: PartialEnvelope): string {
  const files = e.inputs.files.map((f) => `${f.role}:${f.sha256}:${f.bytes}`).join(' ');
  const models = e.inputs.models.map((m) => `${m.format}:${m.files.map((f) => f.sha256).join('+')}`).join(' ');
  return `${models} | ${e.inputs.data?.sha256 ?? 'no data'} | ${files}`;
}

function describeInputs(e: PartialEnvelope): string {
  return `models ${e.inputs.models.map((m) => m.spec).join(', ')}${e.inputs.data ? `, data ${e.inputs.data.path} (${e.inputs.data.sha256.slice(0, 12)})` : ''}`;
}

/** Throws a MarrUsageError naming the first way the folders are not the shards of one run. */
export function checkShardsBelongTogether(folders: readonly ShardFolder[]): void {
  if (folders.length === 0) throw new MarrUsageError('nothing to merge: give the folders of every shard');
  const ref = folders[0];
  const e0 = ref.envelope;
  const same: [string, (e: PartialEnvelope) => string, string][] = [
    ['analysis', (e) => `${e.analysis.plugin}:${e.analysis.id}`, 'merge the shards of one analysis'],
    ['plugin version', (e) => e.analysis.pluginVersion, 'run every shard with the same plugin version'],
    ['marr version', (e) => e.marrVersion, 'run every shard with the same marr version'],
    ['seed', (e) => String(e.seed), 'run every shard with the same --seed'],
    ['parameters', (e) => canonical(e.params), 'run every shard with the same --param values'],
    ['number of shards', (e) => String(e.shard.count), 'run every shard with the same --shard i/N'],
  ];
  for (const f of folders.slice(1)) {
    for (const [what, key, fix] of same) {
      if (key(f.envelope) !== key(e0)) {
        throw new MarrUsageError(`${f.dir} and ${ref.dir} differ in their ${what} (${key(f.envelope)} vs ${key(e0)}): they are not shards of one run; ${fix}`);
      }
    }
    if (inputIdentity(f.envelope) !== inputIdentity(e0)) {
      throw new MarrUsageError(
        `${f.dir} and ${ref.dir} read different input files (${describeInputs(f.envelope)} vs ${describeInputs(e0)}, compared by SHA-256): they are not shards of one run; run every shard on the same models and data`,
      );
    }
  }
  const count = e0.shard.count;
  const byIndex = new Map<number, string>();
  for (const f of folders) {
    const other = byIndex.get(f.envelope.shard.index);
    if (other !== undefined) throw new MarrUsageError(`${f.dir} and ${other} are both shard ${f.envelope.shard.index}/${count}; give each shard once`);
    byIndex.set(f.envelope.shard.index, f.dir);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    const list = missing.slice(0, 10).join(', ') + (missing.length > 10 ? `, ... (${missing.length} in all)` : '');
    throw new MarrUsageError(`shard${missing.length > 1 ? 's' : ''} ${list} of ${count} ${missing.length > 1 ? 'are' : 'is'} missing; run ${missing.length > 1 ? 'them' : 'it'} (--shard ${missing[0]}/${count}) and give ${missing.length > 1 ? 'their folders' : 'its folder'} too`);
  }
}

/** Checks the folders (see checkShardsBelongTogether) and adds their statistics in the order of their items. */
export function mergeShardFolders(folders: readonly ShardFolder[]): { envelope: PartialEnvelope; state: PartialState } {
  checkShardsBelongTogether(folders);
  const state = mergeStates(folders.map((f) => f.state), folders.map((f) => f.dir));
  const first = [...folders].sort((a, b) => a.envelope.shard.index - b.envelope.shard.index)[0];
  return { envelope: first.envelope, state };
}
