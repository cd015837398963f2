/**
 * `marr quickstart`: the main job is a multilevel study on the default model shipped in @marr/zoo (the
 * refusal study: the behaviour measured, where forbidden-ness becomes decodable, the heads that carry it,
 * and the closing ablation that removes refusal). It is `marr study` with everything chosen; with
 * `--analysis <id>` it runs that one analysis instead (`stages` of @marr/layer-robustness, say) on freshly
 * generated documents of the zoo's corpus. The command it runs is printed first, so it can be repeated.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '@marr/core';
import { UsageError } from '../errors.js';
import { runCommand } from './run.js';
import { studyCommand } from './study.js';

/** The study the quick start runs unless told otherwise. */
export const QUICKSTART_STUDY = 'refusal';

interface ZooModule {
  resolveShippedModel(name: string): string | null;
  generateCorpus(seed: number, count: number): { text: string }[];
}

/** Seed of the generated evaluation documents (the shipped models were trained on other seeds' streams). */
const DATA_SEED = 20_251_125;

export async function quickstartCommand(options: { out?: string; analysis?: string; study?: string; documents?: string }): Promise<void> {
  if (options.analysis !== undefined && options.study !== undefined) throw new UsageError('give --study or --analysis, not both');
  const pkg = '@marr/zoo';
  const zoo = (await import(pkg).catch(() => null)) as Partial<ZooModule> | null;
  if (!zoo || typeof zoo.resolveShippedModel !== 'function' || typeof zoo.generateCorpus !== 'function') {
    throw new UsageError('marr quickstart needs the shipped models of @marr/zoo; install it (npm install @marr/zoo)');
  }
  const folder = zoo.resolveShippedModel('default');
  if (!folder) throw new UsageError('@marr/zoo is installed but ships no "default" model (see `marr models`)');
  const out = resolve(options.out ?? 'marr-quickstart');
  if (options.analysis === undefined) {
    const study = options.study ?? QUICKSTART_STUDY;
    process.stderr.write(`marr study ${study} --model default --out ${out}\n\n`);
    await studyCommand(study, { model: 'default', out });
    return;
  }
  const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as { max_position_embeddings?: number; n_positions?: number };
  const contextLength = Math.min(128, config.max_position_embeddings ?? config.n_positions ?? 128);
  const count = Number(options.documents ?? 400);
  if (!Number.isInteger(count) || count < 1) throw new UsageError(`--documents must be a positive integer, got "${options.documents}"`);

  const dataPath = join(out, 'data.jsonl');
  const outExisted = existsSync(out);
  const docs = zoo.generateCorpus(DATA_SEED, count);
  await writeFileAtomic(dataPath, docs.map((d) => JSON.stringify({ text: d.text })).join('\n') + '\n');
  // The data file goes with the report: if the run fails, it goes too (and the folder, if we made it).
  const removeData = () => rmSync(outExisted ? dataPath : out, { recursive: true, force: true });

  const analysis = options.analysis;
  const params = [`contextLength=${contextLength}`, `maxTokens=${contextLength * 64}`];
  process.stderr.write(
    `marr run ${analysis} --model default --data ${dataPath} ${params.map((p) => `--param ${p}`).join(' ')} --out ${out}\n\n`,
  );
  try {
    await runCommand(analysis, { model: ['default'], data: dataPath, param: params, out });
  } catch (err) {
    removeData();
    throw err;
  }
}
