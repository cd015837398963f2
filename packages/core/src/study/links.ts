/**
 * Links between steps: taking a value out of an earlier step's report (a layer, a neuron, the top heads)
 * and filling `{path}` placeholders of a finding sentence from a step's report. A path that leads
 * nowhere is an error naming the step, the path and what is there instead.
 */
import { MarrUsageError } from '../analysis/errors.js';
import { formatNumber } from '../report/format.js';
import type { JsonValue } from '../report/types.js';
import type { StudyLink } from './schema.js';

/** What a step left behind for links: its report's summary and results. */
export interface StepOutput {
  summary: string;
  results: { [key: string]: JsonValue };
}

function describeKeys(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length} (use an index 0..${value.length - 1})`;
  if (value && typeof value === 'object') return `an object with ${Object.keys(value).join(', ') || 'no fields'}`;
  return `the value ${JSON.stringify(value)}`;
}

/** The value at a dot path (`results.top.0.row`) of a step's output. */
export function valueAtPath(output: StepOutput, path: string, where: string): JsonValue {
  let value: JsonValue = output as unknown as JsonValue;
  const walked: string[] = [];
  for (const key of path.split('.')) {
    const here = walked.length ? walked.join('.') : 'the report';
    if (Array.isArray(value) && /^\d+$/.test(key) && Number(key) < value.length) value = value[Number(key)];
    else if (value && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, key)) value = (value as { [k: string]: JsonValue })[key];
    else throw new MarrUsageError(`${where}: "${path}" leads nowhere: ${here} has no "${key}"; it is ${describeKeys(value)}`);
    walked.push(key);
  }
  return value;
}

function fillFields(template: string, item: JsonValue, where: string): string {
  return template.replace(/\{([^{}]+)\}/g, (_, field: string) => {
    const v = valueAtPath({ summary: '', results: { item } } as StepOutput, `results.item.${field}`, where);
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v);
  });
}

/** The value a link stands for, from the outputs of the steps that ran before it. */
export function resolveLink(link: StudyLink, outputs: ReadonlyMap<string, StepOutput>, where: string): JsonValue {
  const output = outputs.get(link.from);
  if (!output) throw new MarrUsageError(`${where}: step "${link.from}" has not run`);
  let value = valueAtPath(output, link.path, `${where} (from step "${link.from}")`);
  if (link.take !== undefined) {
    if (!Array.isArray(value)) throw new MarrUsageError(`${where}: "take" needs an array, but ${link.from}'s ${link.path} is ${describeKeys(value)}`);
    value = value.slice(0, link.take);
  }
  if (link.format !== undefined) {
    const fmt = link.format;
    value = Array.isArray(value) ? value.map((item) => fillFields(fmt, item, where)) : fillFields(fmt, value, where);
  }
  return value;
}

function show(value: JsonValue, percent: boolean): string {
  if (typeof value === 'number') return percent ? `${formatNumber(100 * value, 3)}%` : formatNumber(value);
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) return value.map((v) => show(v, percent)).join(', ');
  return JSON.stringify(value);
}

/**
 * A finding sentence with each `{path}` replaced by that value of the step's output (`{path:%}`: a
 * fraction shown as a percentage). Numbers use the report's number format.
 */
export function fillFinding(template: string, output: StepOutput, where: string): string {
  return template.replace(/\{([^{}:]+)(:%)?\}/g, (_, path: string, pct?: string) => show(valueAtPath(output, path.trim(), where), !!pct));
}
