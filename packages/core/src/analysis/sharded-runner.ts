/**
 * Runs in shards and their merge: `runAnalysisShard` prepares a run exactly as `runAnalysis` does but
 * computes one shard's partial statistics instead of the report; `mergeShards` checks the shard folders
 * belong together, adds their statistics in a fixed order and finishes the report, whose envelope then
 * describes the same run (analysis, seed, parameters, inputs by hash) as a run without shards would.
 */
import { createRng } from '../random/rng.js';
import { validateReport } from '../report/schema.js';
import type { RunEnvelope } from '../report/types.js';
import { cancelledError, throwIfCancelled } from '../toolkit/cancellation.js';
import type { FileSetEntry } from '../loading/atomic-write.js';
import { partialFiles, PARTIAL_KIND, type PartialEnvelope, type ShardFolder } from '../toolkit/shards/partial-files.js';
import type { PartialState } from '../toolkit/shards/partial-state.js';
import { mergeShardFolders } from '../toolkit/shards/shard-merge.js';
import { checkShard, WHOLE_RUN, type ShardSelection } from '../toolkit/shards/shard-selection.js';
import { MarrUsageError } from './errors.js';
import { validateParams } from './params.js';
import { type AnalysisContext, type AnyAnalysis, type FinishContext, type PluginDefinition, type Progress, type ShardedRun, silentProgress } from './protocol.js';
import { checkResults, withPreparedRun, type RunAnalysisOptions } from './runner.js';
import { MARR_VERSION } from './version.js';

/** The `run` of a shardable analysis: one shard holding every work item, then `finish`. */
export function runWhole<P>(shards: ShardedRun<P>): (ctx: AnalysisContext<P>) => ReturnType<ShardedRun<P>['finish']> {
  return async (ctx) => shards.finish(ctx, await shards.partial(ctx, WHOLE_RUN));
}

/** Throws a usage error unless the analysis can run in shards. */
export function requireShardable(analysis: AnyAnalysis): ShardedRun<unknown> {
  if (!analysis.shards) {
    throw new MarrUsageError(`${analysis.id} cannot run in shards (its statistics do not merge); run it without --shard`);
  }
  return analysis.shards as ShardedRun<unknown>;
}

export interface ShardRun {
  envelope: PartialEnvelope;
  state: PartialState;
  /** partial.json and partial.safetensors, for writeFileSet. */
  files: FileSetEntry[];
}

/** One shard of a run: the same checks and loading as runAnalysis, then the analysis's `partial`. */
export async function runAnalysisShard(options: RunAnalysisOptions & { shard: ShardSelection }): Promise<ShardRun> {
  const shards = requireShardable(options.analysis);
  checkShard(options.shard);
  const { signal } = options;
  return withPreparedRun(options, async ({ context, head, timed, timings }) => {
    const state = await timed('analysis', () =>
      shards.partial(context, options.shard).catch((err: unknown) => {
        if (signal?.aborted) throw cancelledError();
        throw err;
      }),
    );
    throwIfCancelled(signal);
    const base = { kind: PARTIAL_KIND as typeof PARTIAL_KIND, schemaVersion: 1 as const, analysis: head.analysis, marrVersion: head.marrVersion, seed: head.seed, params: head.params, inputs: head.inputs, shard: { ...options.shard }, timings: timings() };
    const files = partialFiles(base, state);
    const envelope = JSON.parse(String(files[0].data)) as PartialEnvelope;
    return { envelope, state, files };
  });
}

export interface MergeShardsOptions {
  plugin: PluginDefinition;
  analysis: AnyAnalysis;
  /** The shard folders as read by readShardFolder. */
  folders: readonly ShardFolder[];
  progress?: Progress;
  signal?: AbortSignal;
  log?: (message: string) => void;
}

/** Checks and merges shard folders and finishes the report (no models or data are loaded). */
export async function mergeShards(options: MergeShardsOptions): Promise<RunEnvelope> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const { plugin, analysis, folders, signal } = options;
  const shards = requireShardable(analysis);
  const t0 = performance.now();
  const { envelope, state } = mergeShardFolders(folders);
  const mergeSeconds = (performance.now() - t0) / 1000;
  if (envelope.analysis.id !== analysis.id || envelope.analysis.plugin !== plugin.name) {
    throw new Error(`mergeShards: the shards are of ${envelope.analysis.plugin}:${envelope.analysis.id}, not ${plugin.name}:${analysis.id}`);
  }
  if (envelope.analysis.pluginVersion !== plugin.version) {
    throw new MarrUsageError(`the shards were written by ${plugin.name} ${envelope.analysis.pluginVersion} but ${plugin.version} is installed; merge with the version that ran them`);
  }
  if (envelope.marrVersion !== MARR_VERSION) {
    throw new MarrUsageError(`the shards were written by marr ${envelope.marrVersion} but this is marr ${MARR_VERSION}; merge with the version that ran them`);
  }
  const params = validateParams(analysis.params, envelope.params);
  const ctx: FinishContext<unknown> = {
    params,
    seed: envelope.seed,
    rng: createRng(envelope.seed),
    progress: options.progress ?? silentProgress,
    signal: signal ?? new AbortController().signal,
    log: options.log ?? (() => {}),
  };
  const t1 = performance.now();
  const report = await shards.finish(ctx, state).catch((err: unknown) => {
    if (signal?.aborted) throw cancelledError();
    throw err;
  });
  const finishSeconds = (performance.now() - t1) / 1000;
  throwIfCancelled(signal);
  const checked = validateReport(report, `the report returned by ${analysis.id}`);
  checkResults(analysis, checked);
  return {
    schemaVersion: 1,
    analysis: envelope.analysis,
    marrVersion: envelope.marrVersion,
    seed: envelope.seed,
    params: envelope.params,
    inputs: envelope.inputs,
    summary: checked.summary,
    results: checked.results,
    sections: checked.sections,
    timings: { startedAt, totalSeconds: (performance.now() - started) / 1000, phases: { merge: mergeSeconds, analysis: finishSeconds } },
  };
}
