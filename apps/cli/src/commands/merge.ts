/**
 * `marr merge <dir>... --out <dir>`: read the shard folders written by `marr run --shard i/N`, check
 * they are the shards of one run (core's mergeShards: same analysis, versions, seed, parameters and
 * inputs by hash; every shard once), add their statistics in a fixed order and write the report as a
 * run without shards would. No model or data file is read.
 */
import { checkShardsBelongTogether, mergeShards, readShardFolder, type ShardFolder } from '@marr/core';
import { resolveAnalysis } from '../discovery/resolve.js';
import { UsageError } from '../errors.js';
import { createProgress } from '../progress.js';
import { withInterrupt } from '../interrupt.js';
import { prepareOutDir, stderrLog, writeAndPrintReport } from '../report-files.js';

export interface MergeCommandOptions {
  out?: string;
  json?: boolean;
}

export async function mergeCommand(dirs: string[], options: MergeCommandOptions): Promise<void> {
  if (!options.out) throw new UsageError('marr merge needs --out <dir> for report.json and report.html');
  const out = options.out;
  if (dirs.length === 0) throw new UsageError('marr merge needs the folders of every shard: marr merge shards/* --out <dir>');
  const folders: ShardFolder[] = [];
  for (const dir of dirs) folders.push(await readShardFolder(dir));
  const { analysis: ran } = folders[0].envelope;
  const { plugin, analysis } = await resolveAnalysis(`${ran.plugin}:${ran.id}`);
  // Shards that do not belong together are refused before the output folder is touched.
  checkShardsBelongTogether(folders);
  await prepareOutDir(out);
  await withInterrupt(async (signal) => {
    const envelope = await mergeShards({ plugin, analysis, folders, progress: createProgress(), signal, log: stderrLog(options.json) });
    await writeAndPrintReport(out, envelope, { json: options.json, done: `Merged ${folders.length} shards.` });
  });
}
