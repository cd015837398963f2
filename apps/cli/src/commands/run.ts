/**
 * `marr run <analysis>`: validate everything the user typed, load models and data, run the analysis
 * with a seeded RNG and a progress bar, write report.json + report.html atomically, print a summary.
 */
import { loadModel, parseInputAssignments, parseParamAssignments, renderTerminal, runAnalysis } from '@marr/core';
import { resolveAnalysis } from '../discovery/resolve.js';
import { UsageError } from '../errors.js';
import { createProgress } from '../progress.js';
import { resolveModelSpecs } from '../model-spec.js';
import { prepareOutDir, writeReportFiles } from '../report-files.js';

export interface RunCommandOptions {
  model?: string[];
  tokenizer?: string;
  data?: string;
  input?: string[];
  param?: string[];
  out?: string;
  seed?: string;
  json?: boolean;
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
  const seed = parseSeed(options.seed);
  const { plugin, analysis } = await resolveAnalysis(id);
  const params = parseParamAssignments(analysis.params, options.param ?? []);
  const inputs = parseInputAssignments(options.input ?? []);
  await prepareOutDir(options.out);

  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const envelope = await runAnalysis({
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
      signal: controller.signal,
      log: (message) => {
        if (!options.json) process.stderr.write(`${message}\n`);
      },
    });
    const paths = await writeReportFiles(options.out, envelope);
    if (options.json) {
      process.stdout.write(JSON.stringify(envelope, null, 2) + '\n');
    } else {
      process.stdout.write(renderTerminal(envelope));
      process.stdout.write(`\nWrote ${paths.json} and ${paths.html}\n`);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
