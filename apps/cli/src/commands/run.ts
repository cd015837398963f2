/**
 * `marr run <analysis>`: validate everything the user typed, load models and data, run the analysis
 * with a seeded RNG and a progress bar, write report.json + report.html atomically, print a summary.
 */
import {
  loadModel, parseInputAssignments, parseParamAssignments, parseShard, requireShardable, runAnalysis, runAnalysisShard, writeFileSet,
  type RunAnalysisOptions,
} from '@marr/core';
import { resolveAnalysis } from '../discovery/resolve.js';
import { UsageError } from '../errors.js';
import { createProgress } from '../progress.js';
import { resolveModelSpecs } from '../model-spec.js';
import { withInterrupt } from '../interrupt.js';
import { prepareOutDir, stderrLog, writeAndPrintReport } from '../report-files.js';

export interface RunCommandOptions {
  model?: string[];
  tokenizer?: string;
  data?: string;
  input?: string[];
  param?: string[];
  out?: string;
  seed?: string;
  json?: boolean;
  /** `i/N` or `auto/N`: run one shard and write its partial statistics instead of a report. */
  shard?: string;
}

export function parseSeed(raw: string | undefined): number {
  if (raw === undefined) return 0;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) {
    throw new UsageError(`--seed must be a non-negative integer, got "${raw}"`);
  }
  return n;
}

export async function runCommand(id: string, options: RunCommandOptions): Promise<void> {
  if (!options.out) throw new UsageError('marr run needs --out <dir> for report.json and report.html');
  const out = options.out;
  const seed = parseSeed(options.seed);
  const shard = options.shard !== undefined ? parseShard(options.shard) : null;
  const { plugin, analysis } = await resolveAnalysis(id);
  if (shard) requireShardable(analysis);
  const params = parseParamAssignments(analysis.params, options.param ?? []);
  const inputs = parseInputAssignments(options.input ?? []);
  await prepareOutDir(out);

  await withInterrupt(async (signal) => {
    const runOptions: RunAnalysisOptions = {
      plugin,
      analysis,
      modelSpecs: await resolveModelSpecs(options.model ?? []),
      tokenizer: options.tokenizer,
      loadModel: (spec, opts) => loadModel(spec, opts),
      dataPath: options.data,
      inputs,
      params,
      seed,
      progress: createProgress(),
      signal,
      log: stderrLog(options.json),
    };
    if (shard) {
      const { envelope, files } = await runAnalysisShard({ ...runOptions, shard });
      const [json] = await writeFileSet(out, files);
      if (options.json) process.stdout.write(JSON.stringify(envelope, null, 2) + '\n');
      else {
        const { start, end, total } = envelope.items;
        process.stdout.write(
          `Shard ${shard.index}/${shard.count} of ${analysis.id}: work items ${start}-${end} of ${total}.\nWrote ${json} and its partial.safetensors; ` +
            `when all ${shard.count} shards are done: marr merge <their --out folders> --out <dir>\n`,
        );
      }
      return;
    }
    await writeAndPrintReport(out, await runAnalysis(runOptions), { json: options.json });
  });
}
