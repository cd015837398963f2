/**
 * Reading a study file: JSON syntax, then the schema, then the links, with one message per problem that
 * names the field (`steps[1].params.layer`), what is wrong and the fix (for a misspelt field: the field it
 * is closest to).
 */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { MarrUsageError } from '../analysis/errors.js';
import { closeMatches } from '../analysis/names.js';
import {
  studyBehaviourSchema,
  studyInterventionSchema,
  studyLinkSchema,
  studySchema,
  studyStepSchema,
  type Study,
  type StudyLink,
} from './schema.js';

type Path = readonly PropertyKey[];

/** `steps[1].params.layer` for ['steps', 1, 'params', 'layer']. */
export function formatStudyPath(path: Path): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out || '(the file)';
}

const promptFields = ['prompt', 'answer', 'wrong', 'group'];

/** The fields an object at `path` may have (for "did you mean"). */
function fieldsAt(path: Path): string[] {
  const keys = (s: { shape: Record<string, unknown> }) => Object.keys(s.shape);
  if (path.length === 0) return keys(studySchema);
  if (path[0] === 'behaviour') return path.length >= 3 && path[1] === 'prompts' ? promptFields : keys(studyBehaviourSchema);
  if (path[0] === 'steps') return path.length >= 4 && path[2] === 'params' ? keys(studyLinkSchema) : keys(studyStepSchema);
  if (path[0] === 'intervention') return path.length >= 2 && path[1] === 'ablate' ? keys(studyLinkSchema) : keys(studyInterventionSchema);
  return [];
}

function issueLine(issue: z.core.$ZodIssue, where: string): string {
  const at = formatStudyPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const fields = fieldsAt(issue.path);
    return issue.keys
      .map((k) => {
        const near = closeMatches(k, fields, 1)[0];
        return `${where}: ${at === '(the file)' ? '' : `${at}: `}unknown field "${k}"${near ? `; did you mean "${near}"?` : ''} (fields: ${fields.join(', ')})`;
      })
      .join('\n');
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${where}: ${at} is missing (${issue.message.replace(/, received undefined$/, '')})`;
  return `${where}: ${at}: ${issue.message}`;
}

/** Values of `params` that look like links (objects with "from") must be exactly links. */
function linkProblems(raw: unknown, where: string): string[] {
  const steps = (raw as { steps?: unknown }).steps;
  if (!Array.isArray(steps)) return [];
  const problems: string[] = [];
  steps.forEach((step, i) => {
    const params = (step as { params?: unknown } | null)?.params;
    if (!params || typeof params !== 'object') return;
    for (const [name, value] of Object.entries(params)) {
      if (!value || typeof value !== 'object' || Array.isArray(value) || !('from' in value)) continue;
      const parsed = studyLinkSchema.safeParse(value);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) problems.push(issueLine({ ...issue, path: ['steps', i, 'params', name, ...issue.path] }, where));
      }
    }
  });
  return problems;
}

function isLink(value: unknown): value is StudyLink {
  return !!value && typeof value === 'object' && !Array.isArray(value) && 'from' in value && 'path' in value;
}

/** Every link of a study with the field it sits in and the steps it may point to. */
export function studyLinks(study: Study): { at: string; link: StudyLink; earlier: string[] }[] {
  const out: { at: string; link: StudyLink; earlier: string[] }[] = [];
  study.steps.forEach((step, i) => {
    const earlier = study.steps.slice(0, i).map((s) => s.id);
    for (const [name, value] of Object.entries(step.params ?? {})) {
      if (isLink(value)) out.push({ at: `steps[${i}].params.${name}`, link: value, earlier });
    }
  });
  if (isLink(study.intervention.ablate)) {
    out.push({ at: 'intervention.ablate', link: study.intervention.ablate, earlier: study.steps.map((s) => s.id) });
  }
  return out;
}

function semanticProblems(study: Study, where: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  study.steps.forEach((s, i) => {
    if (seen.has(s.id)) problems.push(`${where}: steps[${i}].id: "${s.id}" is used by an earlier step; give every step its own id`);
    seen.add(s.id);
  });
  for (const { at, link, earlier } of studyLinks(study)) {
    if (earlier.includes(link.from)) continue;
    const all = study.steps.map((s) => s.id);
    const later = all.includes(link.from);
    const near = closeMatches(link.from, earlier, 1)[0];
    problems.push(
      later
        ? `${where}: ${at}.from: step "${link.from}" runs later; a link can only use a step that runs before it (earlier steps: ${earlier.join(', ') || 'none'})`
        : `${where}: ${at}.from: there is no step "${link.from}"${near ? `; did you mean "${near}"?` : ''} (steps: ${all.join(', ')})`,
    );
  }
  return problems;
}

/** Checks a parsed JSON value against the study format; throws MarrUsageError listing every problem. */
export function parseStudy(raw: unknown, where = 'the study'): Study {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new MarrUsageError(`${where} must be a JSON object like {"format": 1, "name": ..., "behaviour": ..., "steps": [...], "intervention": ...}`);
  }
  const parsed = studySchema.safeParse(raw);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => issueLine(i, where));
  problems.push(...linkProblems(raw, where));
  if (parsed.success) problems.push(...semanticProblems(parsed.data, where));
  if (problems.length > 0) {
    throw new MarrUsageError(`${[...new Set(problems)].join('\n')}\n(the study format: marr study --schema)`);
  }
  return parsed.data!;
}

/** Reads and checks a study file. */
export async function readStudyFile(path: string): Promise<Study> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new MarrUsageError(`cannot read the study file ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new MarrUsageError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseStudy(raw, path);
}
