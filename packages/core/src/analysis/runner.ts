/**
 * Running one analysis end to end: validate the parameters and seed, check the inputs before any work,
 * load models and data, run with a seeded RNG, progress and abort signal, validate what came back and
 * wrap it in the report.json envelope (what ran, on which files by hash, with which seed and version).
 *
 * Everything in the envelope except `timings` depends only on the inputs, so the same seed gives a
 * byte-identical report.json apart from timings.
 */
import type { HookedTransformer } from '../model/types.js';
import { createRng } from '../random/rng.js';
import { hashFile, requireFile } from '../data/files.js';
import { loadDataset } from '../data/load.js';
import { ReportValidationError, validateReport } from '../report/schema.js';
import type { Report } from '../report/types.js';
import type { JsonValue, RunEnvelope } from '../report/types.js';
import { MarrUsageError } from './errors.js';
import { checkInputCounts, checkModelCapabilities } from './inputs.js';
import { checkNamedInputs, InputRecorder, loadNamedInput, loadNamedInputs, type InputAssignment } from './named-inputs.js';
import { validateParams } from './params.js';
import { type AnalysisContext, type AnyAnalysis, type Dataset, type LoadedInput, type PluginDefinition, type Progress, silentProgress } from './protocol.js';
import { MARR_VERSION } from './version.js';
import { cancelledError, throwIfCancelled } from '../toolkit/cancellation.js';

/** Loads one model from what the user typed (`loadModel` from @marr/core fits). */
export type ModelLoader = (spec: string, options: { tokenizer?: string }) => Promise<HookedTransformer>;

export interface RunAnalysisOptions {
  plugin: PluginDefinition;
  analysis: AnyAnalysis;
  /** Model specs as given on the command line (paths, shipped names, hub ids). */
  modelSpecs?: readonly string[];
  /** A tokenizer file for models that need one (llama2.c). */
  tokenizer?: string;
  /** Needed when modelSpecs is not empty. */
  loadModel?: ModelLoader;
  /** Models already loaded (instead of modelSpecs), e.g. in tests. */
  models?: readonly HookedTransformer[];
  dataPath?: string;
  /** Named inputs (`--input name=path`, parsed by parseInputAssignments). */
  inputs?: readonly InputAssignment[];
  /** Raw parameters (validated here; defaults filled in). */
  params?: Record<string, unknown>;
  seed?: number;
  progress?: Progress;
  signal?: AbortSignal;
  log?: (message: string) => void;
}

function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new MarrUsageError(`--seed must be a non-negative integer, got ${seed}`);
  }
}

function toJson(value: unknown): { [key: string]: JsonValue } {
  return JSON.parse(JSON.stringify(value ?? {})) as { [key: string]: JsonValue };
}


/** Validates `report.results` against the analysis's `results` schema (when it declares one); returns them. */
export function checkResults(analysis: AnyAnalysis, report: Report): unknown {
  if (!analysis.results) return report.results;
  const parsed = analysis.results.safeParse(report.results);
  if (parsed.success) return report.results;
  throw new ReportValidationError(
    `the results returned by ${analysis.id}`,
    parsed.error.issues.map((i) => ({ path: ['results', ...i.path.map(String)].join('.'), message: i.message })),
  );
}

/** What a prepared run hands to its body: the analysis's context and the envelope's description of the run. */
export interface PreparedRun {
  context: AnalysisContext<unknown>;
  /** The envelope fields that describe what ran (analysis, versions, seed, parameters, inputs). */
  head: Omit<RunEnvelope, 'summary' | 'results' | 'sections' | 'timings'>;
  /** Runs `work` as a timed phase. */
  timed<T>(phase: string, work: () => Promise<T>): Promise<T>;
  /** The timings so far. */
  timings(): RunEnvelope['timings'];
}

/**
 * The preparation every run shares (`runAnalysis`, `runAnalysisShard`): check what the user gave before
 * any work, load models, data and named inputs, build the context; then `body`; models loaded here are
 * disposed however it ends.
 */
export async function withPreparedRun<T>(options: RunAnalysisOptions, body: (run: PreparedRun) => Promise<T>): Promise<T> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const phases: Record<string, number> = {};
  const timed = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      phases[phase] = (performance.now() - t0) / 1000;
    }
  };
  const { plugin, analysis, signal } = options;
  const seed = options.seed ?? 0;
  const specs = options.modelSpecs ?? [];

  // Everything the user got wrong is reported before any loading starts.
  checkSeed(seed);
  const params = validateParams(analysis.params, options.params ?? {});
  if (specs.length > 0 && options.models) throw new Error('runAnalysis: pass modelSpecs or models, not both');
  checkInputCounts(analysis, {
    modelCount: options.models?.length ?? specs.length,
    hasData: options.dataPath !== undefined,
  });
  const namedInputs = options.inputs ?? [];
  await checkNamedInputs(analysis, namedInputs);
  const dataKind = analysis.inputs.data?.kind;
  const dataFile = options.dataPath !== undefined ? await requireFile(options.dataPath, 'data file') : null;
  if (options.tokenizer !== undefined) await requireFile(options.tokenizer, 'tokenizer file');
  if (specs.length > 0 && !options.loadModel) throw new Error('runAnalysis: modelSpecs given without loadModel');

  const models: HookedTransformer[] = options.models
    ? [...options.models]
    : await timed('load-models', async () => {
        const loaded: HookedTransformer[] = [];
        for (const spec of specs) {
          throwIfCancelled(signal);
          loaded.push(await options.loadModel!(spec, options.tokenizer ? { tokenizer: options.tokenizer } : {}));
        }
        return loaded;
      });
  try {
    checkModelCapabilities(analysis, models);
    const recorder = new InputRecorder();
    for (const [i, m] of models.entries()) {
      const role = models.length === 1 ? 'model' : `model.${i + 1}`;
      for (const f of m.source.files) recorder.files.push({ role, ...f });
    }
    // A tokenizer given with --tokenizer is among its model's files.
    // A core dataset kind becomes ctx.data; a kind object loads --data into ctx.inputs.data.
    const data: Dataset | null =
      dataFile && typeof dataKind === 'string' ? await timed('load-data', () => loadDataset(dataFile, dataKind)) : null;
    const dataInput: LoadedInput[] =
      dataFile && dataKind && typeof dataKind === 'object'
        ? [{ name: 'data', role: 'data', path: options.dataPath!, label: null, value: await timed('load-data', () => dataKind.load(dataFile, { label: null })) }]
        : [];
    const dataHash = dataFile ? await hashFile(dataFile) : null;
    if (dataHash) recorder.files.push({ role: 'data', ...dataHash, path: options.dataPath! });
    const named = namedInputs.length > 0
      ? await timed('load-inputs', () => loadNamedInputs(analysis, namedInputs, recorder))
      : await loadNamedInputs(analysis, [], recorder);
    const inputs = dataInput.length > 0 ? { ...named, data: dataInput } : named;
    throwIfCancelled(signal);

    const base = {
      models,
      data,
      seed,
      progress: options.progress ?? silentProgress,
      signal: signal ?? new AbortController().signal,
      log: options.log ?? (() => {}),
    };
    const contextFor = (a: AnyAnalysis, p: unknown, named: Readonly<Record<string, readonly LoadedInput[]>>): AnalysisContext<unknown> => ({
      ...base,
      inputs: named,
      loadInput: (name, path, label = null) => loadNamedInput(a, { name, label, path }, recorder),
      params: p,
      // A fresh generator from the run seed: a part's random draws do not depend on what ran before it.
      rng: createRng(seed),
      run: async (part, partParams = {}) => {
        throwIfCancelled(signal);
        const validated = validateParams(part.params, partParams);
        checkModelCapabilities(part, models);
        const partInputs = Object.fromEntries(Object.keys(part.inputs.files ?? {}).map((n) => [n, named[n] ?? []]));
        const partReport = validateReport(
          await timed(`part:${part.id}`, () => part.run(contextFor(part, validated, partInputs))),
          `the report returned by ${part.id}`,
        );
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        return { report: partReport, results: checkResults(part, partReport) as any };
      },
    });

    return await body({
      context: contextFor(analysis, params, inputs),
      head: {
        schemaVersion: 1,
        analysis: {
          id: analysis.id,
          title: analysis.title,
          level: analysis.level,
          plugin: plugin.name,
          pluginVersion: plugin.version,
        },
        marrVersion: MARR_VERSION,
        seed,
        params: toJson(params),
        inputs: {
          models: models.map((m) => ({ spec: m.source.spec, format: m.source.format, files: m.source.files })),
          // The path as the user gave it (not made absolute), so the envelope does not depend on the working directory.
          data: dataHash ? { ...dataHash, path: options.dataPath! } : null,
          files: recorder.files,
        },
      },
      timed,
      timings: () => ({ startedAt, totalSeconds: (performance.now() - started) / 1000, phases: { ...phases } }),
    });
  } finally {
    if (!options.models) await Promise.all(models.map((m) => m.dispose()));
  }
}

export async function runAnalysis(options: RunAnalysisOptions): Promise<RunEnvelope> {
  const { analysis, signal } = options;
  return withPreparedRun(options, async ({ context, head, timed, timings }) => {
    const report = await timed('analysis', () =>
      analysis.run(context).catch((err: unknown) => {
        // Whatever an analysis throws once the run is cancelled, the cause is the cancellation.
        if (signal?.aborted) throw cancelledError();
        throw err;
      }),
    );
    throwIfCancelled(signal);
    const checked = validateReport(report, `the report returned by ${analysis.id}`);
    checkResults(analysis, checked);
    return { ...head, summary: checked.summary, results: checked.results, sections: checked.sections, timings: timings() };
  });
}
