/**
 * Running a study: measure the behaviour, run each step's analysis through the analysis registry (a
 * study imports no plugin; the caller resolves analysis ids) with the values earlier steps found filled
 * into its parameters, then re-run the behaviour with the components the chain found ablated, and write
 * one report whose sections are the three levels and whose summary states each measured link.
 */
import { resolve } from 'node:path';
import { recordedPath } from '../loading/file-record.js';
import { MarrUsageError } from '../analysis/errors.js';
import { describeParams } from '../analysis/params.js';
import { parseInputAssignments } from '../analysis/named-inputs.js';
import { closeMatches } from '../analysis/names.js';
import { type AnyAnalysis, type MarrLevel, type PluginDefinition, type Progress, silentProgress } from '../analysis/protocol.js';
import { runAnalysis, type ModelLoader } from '../analysis/runner.js';
import { MARR_VERSION } from '../analysis/version.js';
import { hashFile, requireFile } from '../data/files.js';
import type { HookedTransformer } from '../model/types.js';
import type { JsonValue, RoleFile, RunEnvelope } from '../report/types.js';
import { throwIfCancelled } from '../toolkit/cancellation.js';
import { loadBehaviour, measureBehaviour, tokenizeBehaviour, type BehaviourMeasurement } from './behaviour.js';
import { ablationHooks, componentMeans, parseComponent, type ModelComponent } from './components.js';
import { fillFinding, resolveLink, type StepOutput } from './links.js';
import { studyLinkSchema, type Study, type StudyStep } from './schema.js';
import { buildStudyReport, type StudyResults, type StepRecord } from './report.js';

/** An analysis found by id (or plugin:id) in the installed plugins: what `marr run` resolves. */
export interface ResolvedStudyAnalysis {
  plugin: PluginDefinition;
  analysis: AnyAnalysis;
}

export interface RunStudyOptions {
  study: Study;
  /** What the user named the study by (a shipped name or a file path), for the re-run line. */
  requested?: string;
  /** The study file, when it came from one (hashed into the report). */
  studyPath?: string;
  /** Files the study names are relative to (default: the study file's folder, else the working directory). */
  baseDir?: string;
  /** Finds an installed analysis; throws MarrUsageError for an unknown id. */
  resolveAnalysis(id: string): Promise<ResolvedStudyAnalysis>;
  /** The model as given (default: the study's `model`), loaded with loadModel. */
  modelSpec?: string;
  tokenizer?: string;
  loadModel?: ModelLoader;
  /** A model already loaded (tests), instead of modelSpec. */
  model?: HookedTransformer;
  seed?: number;
  progress?: Progress;
  signal?: AbortSignal;
  log?: (message: string) => void;
}

function isLinkValue(v: unknown): boolean {
  return studyLinkSchema.safeParse(v).success;
}

/** Every analysis resolved and every parameter name checked, before any model is loaded. */
async function resolveSteps(study: Study, resolveAnalysisFn: RunStudyOptions['resolveAnalysis']): Promise<ResolvedStudyAnalysis[]> {
  const out: ResolvedStudyAnalysis[] = [];
  for (const [i, step] of study.steps.entries()) {
    let resolved: ResolvedStudyAnalysis;
    try {
      resolved = await resolveAnalysisFn(step.analysis);
    } catch (err) {
      throw new MarrUsageError(`steps[${i}] (${step.id}): ${(err as Error).message}`);
    }
    const names = describeParams(resolved.analysis.params).map((p) => p.name);
    for (const key of Object.keys(step.params ?? {})) {
      if (names.includes(key)) continue;
      const near = closeMatches(key, names, 1)[0];
      throw new MarrUsageError(
        `steps[${i}].params.${key}: ${step.analysis} has no parameter "${key}"${near ? `; did you mean "${near}"?` : ''} (parameters: ${names.join(', ') || 'none'}; see marr describe ${step.analysis})`,
      );
    }
    out.push(resolved);
  }
  return out;
}

function stepParams(step: StudyStep, index: number, outputs: ReadonlyMap<string, StepOutput>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(step.params ?? {})) {
    params[key] = isLinkValue(value) ? resolveLink(value as never, outputs, `steps[${index}].params.${key}`) : value;
  }
  return params;
}

function componentNames(value: JsonValue, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((v) => typeof v === 'string')) {
    throw new MarrUsageError(`${where}: the link must give component names (strings like L1H0 or L1N42), got ${JSON.stringify(value)}; use "format" to build them, e.g. "{row}{column}"`);
  }
  return list as string[];
}

export async function runStudy(options: RunStudyOptions): Promise<RunEnvelope> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const phases: Record<string, number> = {};
  const timed = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      phases[phase] = (phases[phase] ?? 0) + (performance.now() - t0) / 1000;
    }
  };
  const { study, signal } = options;
  const seed = options.seed ?? 0;
  const progress = options.progress ?? silentProgress;
  const log = options.log ?? (() => {});
  const baseDir = options.baseDir ?? (options.studyPath ? resolve(options.studyPath, '..') : process.cwd());
  const fileOf = (p: string) => resolve(baseDir, p);

  // Everything that can be checked without a model is checked first.
  const resolved = await resolveSteps(study, options.resolveAnalysis);
  for (const [i, step] of study.steps.entries()) {
    if (step.data) await requireFile(fileOf(step.data), `steps[${i}].data`);
    for (const [name, p] of Object.entries(step.inputs ?? {})) await requireFile(fileOf(p), `steps[${i}].inputs.${name}`);
  }
  const items = await loadBehaviour(study.behaviour, fileOf);
  const spec = options.modelSpec ?? study.model;
  if (!options.model && !spec) throw new MarrUsageError(`study ${study.name} names no model; pass one with --model`);
  if (!options.model && !options.loadModel) throw new Error('runStudy: a modelSpec needs loadModel');

  const model = options.model ?? (await timed('load-model', () => options.loadModel!(spec!, options.tokenizer ? { tokenizer: options.tokenizer } : {})));
  try {
    const behaviour = tokenizeBehaviour(model, items);
    const target = study.behaviour.target ?? behaviour.groups[0];
    if (!behaviour.groups.includes(target)) {
      throw new MarrUsageError(`behaviour.target: there is no group "${target}" among the prompts (groups: ${behaviour.groups.join(', ')})`);
    }
    const metric = study.behaviour.metric;
    log(`study ${study.name}: measuring the behaviour on ${items.length} prompts`);
    const before = await timed('behaviour', () => measureBehaviour(model, behaviour, metric, { signal, progress, label: 'behaviour' }));

    const outputs = new Map<string, StepOutput>();
    const steps: StepRecord[] = [];
    const files: RoleFile[] = [];
    for (const [i, step] of study.steps.entries()) {
      throwIfCancelled(signal);
      const { plugin, analysis } = resolved[i];
      const params = stepParams(step, i, outputs);
      log(`study ${study.name}: step ${step.id} (${analysis.id})`);
      const takesModel = (analysis.inputs.models?.max ?? analysis.inputs.models?.min ?? 0) > 0;
      const envelope = await timed(`step:${step.id}`, () =>
        runAnalysis({
          plugin,
          analysis,
          models: takesModel ? [model] : [],
          dataPath: step.data ? recordedPath(fileOf(step.data)) : undefined,
          inputs: parseInputAssignments(Object.entries(step.inputs ?? {}).map(([k, p]) => `${k}=${recordedPath(fileOf(p))}`)),
          params,
          seed,
          progress,
          signal,
          log,
        }),
      ).catch((err: unknown) => {
        if (err instanceof MarrUsageError) throw new MarrUsageError(`steps[${i}] (${step.id}, ${analysis.id}): ${err.message}`);
        throw err;
      });
      const output: StepOutput = { summary: envelope.summary, results: envelope.results };
      outputs.set(step.id, output);
      for (const f of envelope.inputs.files) if (!f.role.startsWith('model')) files.push({ ...f, role: `${step.id}:${f.role}` });
      steps.push({
        id: step.id,
        level: step.level ?? analysis.level,
        analysis: analysis.id,
        plugin: plugin.name,
        pluginVersion: plugin.version,
        params: envelope.params,
        finding: step.finding ? fillFinding(step.finding, output, `steps[${i}].finding`) : null,
        summary: envelope.summary,
        results: envelope.results,
        sections: envelope.sections,
      });
    }

    // The closing intervention: the behaviour again, with the components the chain found ablated.
    const intervention = study.intervention;
    const names = Array.isArray(intervention.ablate) ? intervention.ablate : componentNames(resolveLink(intervention.ablate, outputs, 'intervention.ablate'), 'intervention.ablate');
    const components: ModelComponent[] = names.map((n) => {
      try {
        return parseComponent(n, model);
      } catch (err) {
        throw new MarrUsageError(`intervention.ablate: ${(err as Error).message}`);
      }
    });
    const means =
      intervention.method === 'mean' ? await timed('intervention', () => componentMeans(model, behaviour.tokens, [...new Set(components.map((c) => c.hook))])) : undefined;
    log(`study ${study.name}: re-running the behaviour with ${components.map((c) => c.name).join(', ')} ablated (${intervention.method})`);
    const after: BehaviourMeasurement = await timed('intervention', () =>
      measureBehaviour(model, behaviour, metric, { hooks: ablationHooks(components, intervention.method, means), signal, progress, label: 'intervention' }),
    );
    throwIfCancelled(signal);

    const studyFile = options.studyPath ? await hashFile(options.studyPath) : null;
    const behaviourFile = typeof study.behaviour.prompts === 'string' ? await hashFile(fileOf(study.behaviour.prompts)) : null;
    const inputFiles: RoleFile[] = [
      ...model.source.files.map((f) => ({ role: 'model', ...f })),
      ...(studyFile ? [{ role: 'study', ...studyFile, path: recordedPath(resolve(options.studyPath!)) }] : []),
      ...(behaviourFile ? [{ role: 'behaviour', ...behaviourFile, path: recordedPath(fileOf(study.behaviour.prompts as string)) }] : []),
      ...files,
    ];
    const results: StudyResults = {
      study: { name: study.name, title: study.title, format: study.format },
      behaviour: {
        description: study.behaviour.description,
        metric,
        label: study.behaviour.label ?? metric,
        target,
        groups: before.groups,
      },
      steps,
      intervention: {
        description: intervention.description ?? null,
        method: intervention.method,
        components: components.map((c) => c.name),
        hooks: [...new Set(components.map((c) => c.hook))],
        target,
        groups: before.groups.map((g, i) => ({
          group: g.group,
          prompts: g.prompts,
          before: g.value,
          after: after.groups[i].value,
          change: after.groups[i].value - g.value,
        })),
        perPrompt: behaviour.items.map((it, i) => ({ group: it.group, before: before.values[i], after: after.values[i] })),
      },
    };
    const report = buildStudyReport(results);
    return {
      schemaVersion: 1,
      analysis: { id: `study:${study.name}`, title: study.title, level: 'computational' satisfies MarrLevel, plugin: 'marr study', pluginVersion: MARR_VERSION },
      marrVersion: MARR_VERSION,
      seed,
      params: { study: options.requested ?? (options.studyPath ? recordedPath(resolve(options.studyPath)) : study.name) },
      inputs: {
        models: [{ spec: model.source.spec, format: model.source.format, files: model.source.files }],
        data: null,
        files: inputFiles,
      },
      summary: report.summary,
      results: report.results,
      sections: report.sections,
      timings: { startedAt, totalSeconds: (performance.now() - started) / 1000, phases },
    };
  } finally {
    if (!options.model) await model.dispose();
  }
}
