/**
 * Named inputs: `--input <name>=<path>` (or `<name>.<label>=<path>` for labelled inputs) checked against
 * what an analysis declares in `inputs.files`, loaded with each input's kind, and every file read
 * recorded for `report.inputs.files` as `{ role, path, sha256, bytes }`.
 */
import { resolve } from 'node:path';
import { hashFile, requireFile } from '../data/files.js';
import { resolveInputKind } from '../data/input-kinds.js';
import { closeMatches } from './names.js';
import type { RoleFile } from '../report/types.js';
import { MarrUsageError } from './errors.js';
import type { AnyAnalysis, LoadedInput, NamedInputSpec } from './protocol.js';

export interface InputAssignment {
  name: string;
  label: string | null;
  path: string;
}

/** Parses `name=path` / `name.label=path` values of `--input`. */
export function parseInputAssignments(raw: readonly string[]): InputAssignment[] {
  return raw.map((a) => {
    const eq = a.indexOf('=');
    if (eq <= 0 || eq === a.length - 1) {
      throw new MarrUsageError(`--input "${a}" must look like name=path (or name.label=path for labelled inputs)`);
    }
    const key = a.slice(0, eq).trim();
    const path = a.slice(eq + 1).trim();
    const dot = key.indexOf('.');
    return dot > 0 ? { name: key.slice(0, dot), label: key.slice(dot + 1), path } : { name: key, label: null, path };
  });
}

/** The bounds of a spec: [min, max] files when the input is used. */
function bounds(spec: NamedInputSpec): [number, number] {
  return [spec.min ?? 1, spec.max ?? (spec.labelled ? Infinity : 1)];
}

/** One line per named input for `marr describe`. */
export function describeNamedInputs(files: Readonly<Record<string, NamedInputSpec>> | undefined): string[] {
  return Object.entries(files ?? {}).map(([name, spec]) => {
    const kind = resolveInputKind(spec.kind);
    const [min, max] = bounds(spec);
    const flag = spec.labelled ? `--input ${name}.<label>=<path>` : `--input ${name}=<path>`;
    const count = max === 1 ? '' : max === Infinity ? `, ${min} or more` : `, ${min} to ${max}`;
    return `${flag} (${kind.id}${spec.required ? ', required' : ', optional'}${count}): ${spec.description}`;
  });
}

/** Throws MarrUsageError for an unknown name, a missing or unwanted label, a wrong count or a missing file. */
export async function checkNamedInputs(analysis: AnyAnalysis, given: readonly InputAssignment[]): Promise<void> {
  const specs = analysis.inputs.files ?? {};
  const names = Object.keys(specs);
  for (const a of given) {
    const spec = specs[a.name];
    if (!spec) {
      const near = closeMatches(a.name, names, 1)[0];
      throw new MarrUsageError(
        names.length === 0
          ? `${analysis.id} takes no --input; remove --input ${a.name}=...`
          : `${analysis.id} has no input "${a.name}"${near ? `; did you mean "${near}"?` : ''} (inputs: ${names.join(', ')}; see marr describe ${analysis.id})`,
      );
    }
    if (spec.labelled && !a.label) {
      throw new MarrUsageError(`input "${a.name}" takes labelled files: --input ${a.name}.<label>=${a.path}`);
    }
    if (!spec.labelled && a.label) {
      throw new MarrUsageError(`input "${a.name}" takes no label; write --input ${a.name}=${a.path}`);
    }
  }
  for (const [name, spec] of Object.entries(specs)) {
    const count = given.filter((a) => a.name === name).length;
    const [min, max] = bounds(spec);
    if (count === 0 && spec.required) {
      throw new MarrUsageError(`${analysis.id} needs --input ${name}${spec.labelled ? '.<label>' : ''}=<path>: ${spec.description}`);
    }
    if (count > 0 && count < min) throw new MarrUsageError(`input "${name}" needs at least ${min} files, got ${count}`);
    if (count > max) throw new MarrUsageError(`input "${name}" takes at most ${max} file${max === 1 ? '' : 's'}, got ${count}`);
  }
  for (const a of given) {
    await requireFile(a.path, `input "${a.name}"`, resolveInputKind(specs[a.name].kind).entry ?? 'file');
  }
}

/**
 * Records what a run read: `record(role, path)` hashes the file (or each file a kind lists for a
 * folder) once per role and path, in call order, so the list is the same for the same inputs.
 */
export class InputRecorder {
  readonly files: RoleFile[] = [];
  private readonly seen = new Set<string>();

  async record(role: string, path: string, paths: readonly string[] = [path]): Promise<void> {
    for (const p of paths) {
      const key = `${role}\u0000${p}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      const { sha256, bytes } = await hashFile(resolve(p));
      this.files.push({ role, path: p, sha256, bytes });
    }
  }
}

/** Loads one file of a named input with its kind and records it. */
export async function loadNamedInput(
  analysis: AnyAnalysis,
  assignment: InputAssignment,
  recorder: InputRecorder,
): Promise<LoadedInput> {
  const spec = analysis.inputs.files?.[assignment.name];
  if (!spec) throw new MarrUsageError(`${analysis.id} has no input "${assignment.name}"`);
  const kind = resolveInputKind(spec.kind);
  await requireFile(assignment.path, `input "${assignment.name}"`, kind.entry ?? 'file');
  const role = assignment.label ? `${assignment.name}.${assignment.label}` : assignment.name;
  const value = await kind.load(assignment.path, { label: assignment.label });
  await recorder.record(role, assignment.path, kind.files ? await kind.files(assignment.path) : [assignment.path]);
  return { name: assignment.name, role, path: assignment.path, label: assignment.label, value };
}

/** Every named input of the analysis, loaded, in declaration order; names not given map to []. */
export async function loadNamedInputs(
  analysis: AnyAnalysis,
  given: readonly InputAssignment[],
  recorder: InputRecorder,
): Promise<Record<string, LoadedInput[]>> {
  const out: Record<string, LoadedInput[]> = {};
  for (const name of Object.keys(analysis.inputs.files ?? {})) {
    out[name] = [];
    for (const a of given.filter((g) => g.name === name)) out[name].push(await loadNamedInput(analysis, a, recorder));
  }
  return out;
}
