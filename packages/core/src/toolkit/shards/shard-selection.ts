/**
 * Which part of a run a shard does: shard `index` of `count` takes a contiguous range of the run's work
 * items (token windows, documents, rows), so the shards of a run are disjoint and together complete by
 * construction. The index may come from a scheduler: Kubernetes Indexed Jobs set JOB_COMPLETION_INDEX,
 * Slurm job arrays set SLURM_ARRAY_TASK_ID (both 0-based when the array is 0..N-1).
 */
import { MarrUsageError } from '../../analysis/errors.js';

export interface ShardSelection {
  /** From 0. */
  index: number;
  /** Shards in all (at least 1). */
  count: number;
}

/** A contiguous range of work items: [start, end) of `total`. */
export interface ItemRange {
  start: number;
  end: number;
  total: number;
}

/** The whole run as one shard (what a run without --shard computes). */
export const WHOLE_RUN: ShardSelection = Object.freeze({ index: 0, count: 1 });

/** The scheduler variables read by `--shard auto/N`, in the order they are tried. */
export const SHARD_INDEX_VARIABLES = ['JOB_COMPLETION_INDEX', 'SLURM_ARRAY_TASK_ID'] as const;

/** The items of shard `index` of `count` out of `total`: [floor(i T / N), floor((i + 1) T / N)). */
export function shardRange(total: number, shard: ShardSelection): ItemRange {
  checkShard(shard);
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`shardRange: total must be a non-negative integer, got ${total}`);
  const start = Math.floor((shard.index * total) / shard.count);
  const end = Math.floor(((shard.index + 1) * total) / shard.count);
  return { start, end, total };
}

/** The shard's slice of `items` and its range. */
export function shardItems<T>(items: readonly T[], shard: ShardSelection): { items: T[]; range: ItemRange } {
  const range = shardRange(items.length, shard);
  return { items: items.slice(range.start, range.end), range };
}

export function checkShard(shard: ShardSelection): void {
  if (!Number.isSafeInteger(shard.count) || shard.count < 1) throw new RangeError(`shard count must be a positive integer, got ${shard.count}`);
  if (!Number.isSafeInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new RangeError(`shard index must be an integer from 0 to ${shard.count - 1}, got ${shard.index}`);
  }
}

function count(raw: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new MarrUsageError(`--shard ${raw}: the number of shards must be a positive integer`);
  return n;
}

function indexFromEnv(raw: string, n: number, env: Readonly<Record<string, string | undefined>>): number {
  const set = SHARD_INDEX_VARIABLES.filter((v) => env[v] !== undefined && env[v] !== '');
  if (set.length === 0) {
    throw new MarrUsageError(
      `--shard ${raw} takes the shard index from ${SHARD_INDEX_VARIABLES.join(' (Kubernetes Indexed Job) or ')} (Slurm array), and neither is set; ` +
        `run it as such a job, or give the index yourself: --shard 0/${n}`,
    );
  }
  const values = set.map((v) => env[v]!.trim());
  if (new Set(values).size > 1) {
    throw new MarrUsageError(`--shard ${raw}: ${set.map((v, i) => `${v}=${values[i]}`).join(' and ')} disagree; unset one, or give the index: --shard i/${n}`);
  }
  const [name, value] = [set[0], values[0]];
  if (!/^\d+$/.test(value)) throw new MarrUsageError(`--shard ${raw}: ${name}="${value}" is not a non-negative integer`);
  const index = Number(value);
  if (index >= n) {
    const fix = name === 'SLURM_ARRAY_TASK_ID' ? `submit the array as --array=0-${n - 1}` : `set completions: ${n} and completionMode: Indexed`;
    throw new MarrUsageError(`--shard ${raw}: ${name}=${index} is not a shard of ${n} (indices run from 0 to ${n - 1}); ${fix}`);
  }
  return index;
}

/**
 * Parses `--shard i/N` (shard i of N, from 0) or `--shard auto/N` (the index from JOB_COMPLETION_INDEX
 * or SLURM_ARRAY_TASK_ID in `env`).
 */
export function parseShard(raw: string, env: Readonly<Record<string, string | undefined>> = process.env): ShardSelection {
  const text = raw.trim();
  const auto = /^auto\/(\d+)$/.exec(text);
  if (auto) {
    const n = count(raw, auto[1]);
    return { index: indexFromEnv(raw, n, env), count: n };
  }
  const explicit = /^(\d+)\/(\d+)$/.exec(text);
  if (!explicit) {
    throw new MarrUsageError(`--shard "${raw}" is not i/N or auto/N; e.g. --shard 0/8 runs the first of 8 shards, --shard auto/8 takes the index from the scheduler`);
  }
  const n = count(raw, explicit[2]);
  const index = Number(explicit[1]);
  if (index >= n) throw new MarrUsageError(`--shard ${raw}: shard indices run from 0 to ${n - 1}`);
  return { index, count: n };
}
