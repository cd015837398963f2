/**
 * `marr merge <dir>... --out <dir>`: read the shard folders written by `marr run --shard i/N`, check
 * they are the shards of one run (core's mergeShards: same analysis, versions, seed, parameters and
 * inputs by hash; every shard once), add their statistics in a fixed order and write the report as a
 * run without shards would. No model or data file is read.
 */
import { checkShardsBelongTogether, mergeShards, readShardFolder, renderTerminal } from '@marr/core';
import { resolveAnalysis } from '../discovery/resolve.js';
import { UsageError } from '../errors.js';
import { createProgress } from '../progress.js';
import { prepareOutDir, writeReportFiles } from '../report-files.js';

export interface MergeCommandOptions {
  out?: string;
  json?: boolean;
}

export async function mergeCommand(dirs: string[], options: MergeCommandOptions): Promise<void> {
  if (!options.out) throw new UsageError('marr merge needs --out <dir> for report.json and report.html');
  if (dirs.length === 0) throw new UsageError('marr merge needs the folders of every shard: marr merge shards/* --out <dir>');
  const folders = [];
  for (const dir of dirs) folders.push(await readShardFolder(dir));
  const { analysis: ran } = folders[0].envelope;
  const { plugin, analysis } = await resolveAnalysis(`${ran.plugin}:${ran.id}`);
  // Shards that do not belong together are refused before the output folder is touched.
  checkShardsBelongTogether(folders);
  await prepareOutDir(options.out);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const envelope = await mergeShards({
      plugin, analysis, folders, progress: createProgress(), signal: controller.signal,
      log: (message) => {
        if (!options.json) process.stderr.write(`${message}\n`);
      },
    });
    const paths = await writeReportFiles(options.out, envelope);
    if (options.json) {
      process.stdout.write(JSON.stringify(envelope, null, 2) + '\n');
    } else {
      process.stdout.write(renderTerminal(envelope));
      process.stdout.write(`\nMerged ${folders.length} shards. Wrote ${paths.json} and ${paths.html}\n`);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
