/**
 * `marr study <name|file> [--model M] [--out dir]`: run a multilevel study (one behaviour, its
 * representation, its components and the closing ablation) through the installed plugins and write one
 * report; `marr study --list` lists the studies installed packages ship; `marr study --schema` prints the
 * JSON schema of study files.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadModel, readStudyFile, runStudy, studyJsonSchema } from '@marr/core';
import { resolveAnalysis } from '../discovery/resolve.js';
import { discoverStudies, type DiscoveredStudy } from '../discovery/studies.js';
import { UsageError, closeMatches } from '../errors.js';
import { createProgress } from '../progress.js';
import { resolveModelSpecs } from '../model-spec.js';
import { withInterrupt } from '../interrupt.js';
import { prepareOutDir, stderrLog, writeAndPrintReport } from '../report-files.js';
import { formatTable } from '../table.js';
import { parseSeed } from './run.js';

export interface StudyCommandOptions {
  model?: string;
  tokenizer?: string;
  out?: string;
  seed?: string;
  json?: boolean;
  list?: boolean;
  schema?: boolean;
}

function listStudies(json: boolean): void {
  const { studies, problems } = discoverStudies();
  if (json) {
    process.stdout.write(JSON.stringify(studies.map((s) => ({ name: s.name, title: s.title, model: s.model, package: s.packageName, file: s.file, description: s.description })), null, 2) + '\n');
    return;
  }
  if (studies.length === 0) process.stdout.write('No studies found. Install a package that ships some (e.g. npm install @marr/zoo) or pass a study file.\n');
  else process.stdout.write(formatTable(['study', 'model', 'package', 'title'], studies.map((s) => [s.name, s.model ?? '', s.packageName, s.title])));
  for (const p of problems) process.stderr.write(`warning: ${p}\n`);
}

/** A study file path, or the file of an installed study with that name. */
function findStudy(requested: string): { file: string; shipped: DiscoveredStudy | null } {
  const looksLikeFile = requested.endsWith('.json') || requested.includes('/');
  if (looksLikeFile || (existsSync(requested) && statSync(requested).isFile())) {
    if (!existsSync(requested)) throw new UsageError(`study file ${requested} not found`);
    return { file: resolve(requested), shipped: null };
  }
  const { studies } = discoverStudies();
  const matches = studies.filter((s) => s.name === requested);
  if (matches.length === 0) {
    const names = [...new Set(studies.map((s) => s.name))].sort();
    const near = closeMatches(requested, names);
    throw new UsageError(
      `unknown study "${requested}".${near.length ? ` Did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : ''}` +
        (names.length ? `\nInstalled studies: ${names.join(', ')} (see marr study --list); or pass a study file (.json).` : '\nNo installed package ships studies; pass a study file (.json).'),
    );
  }
  if (matches.length > 1) {
    throw new UsageError(`study "${requested}" is shipped by several packages (${matches.map((m) => m.packageName).join(', ')}); pass its file instead: ${matches.map((m) => m.file).join(' or ')}`);
  }
  return { file: matches[0].file, shipped: matches[0] };
}

export async function studyCommand(requested: string | undefined, options: StudyCommandOptions): Promise<void> {
  if (options.schema) {
    process.stdout.write(JSON.stringify(studyJsonSchema(), null, 2) + '\n');
    return;
  }
  if (options.list) {
    listStudies(!!options.json);
    return;
  }
  if (!requested) throw new UsageError('marr study needs a study name or file (see marr study --list)');
  if (!options.out) throw new UsageError('marr study needs --out <dir> for report.json and report.html');
  const out = options.out;
  const seed = parseSeed(options.seed);
  const { file } = findStudy(requested);
  const study = await readStudyFile(file);
  const spec = options.model ?? study.model;
  if (!spec) throw new UsageError(`study ${study.name} names no model; pass one with --model`);
  const [modelSpec] = await resolveModelSpecs([spec]);
  await prepareOutDir(out);

  await withInterrupt(async (signal) => {
    const envelope = await runStudy({
      study,
      requested,
      studyPath: file,
      resolveAnalysis,
      modelSpec,
      tokenizer: options.tokenizer,
      loadModel: (s, opts) => loadModel(s, opts),
      seed,
      progress: createProgress(),
      signal,
      log: stderrLog(options.json),
    });
    await writeAndPrintReport(out, envelope, { json: options.json });
  });
}
