/**
 * Analysis parameters: describing a zod params schema for humans (`marr describe`), turning
 * `key=value` strings from the command line into typed values, and validating them with messages that
 * name the parameter, the problem and the valid choices.
 */
import { z } from 'zod';
import { MarrUsageError } from './errors.js';

/** One parameter as `marr describe` shows it. */
export interface ParamInfo {
  name: string;
  /** JSON-schema type: number, integer, string, boolean, array, object (or a union like `number|null`). */
  type: string;
  required: boolean;
  default?: unknown;
  description?: string;
  /** Allowed values for enums. */
  choices?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

type JsonSchemaNode = {
  type?: string | string[];
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  default?: unknown;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  anyOf?: JsonSchemaNode[];
  items?: JsonSchemaNode;
};

function paramsJsonSchema(schema: z.ZodType): JsonSchemaNode {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
  if (json.type !== 'object' || !json.properties) {
    throw new Error('an analysis params schema must be a z.object({...}) (use z.object({}) for no parameters)');
  }
  return json;
}

function typeOf(node: JsonSchemaNode): string {
  if (node.enum) return 'enum';
  if (node.const !== undefined) return 'const';
  if (Array.isArray(node.type)) return node.type.join('|');
  if (node.type) return node.type === 'array' && node.items ? `array of ${typeOf(node.items)}` : node.type;
  if (node.anyOf) return node.anyOf.map(typeOf).join('|');
  return 'any';
}

/** The parameters of a params schema, in declaration order. */
export function describeParams(schema: z.ZodType): ParamInfo[] {
  const json = paramsJsonSchema(schema);
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, node]) => {
    const info: ParamInfo = { name, type: typeOf(node), required: required.has(name) };
    if (node.default !== undefined) info.default = node.default;
    if (node.description) info.description = node.description;
    if (node.enum) info.choices = node.enum;
    for (const key of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const) {
      // z.int() adds the safe-integer range as bounds; those say nothing to a user.
      const bound = node[key];
      if (bound !== undefined && Math.abs(bound) !== Number.MAX_SAFE_INTEGER) info[key] = bound;
    }
    return info;
  });
}

/** A one-line description of a parameter's valid values, e.g. `integer in [1, 12], default 4`. */
export function formatParamRange(p: ParamInfo): string {
  const parts: string[] = [p.type];
  if (p.choices) parts[0] = `one of ${p.choices.map((c) => JSON.stringify(c)).join(', ')}`;
  const lo = p.minimum ?? p.exclusiveMinimum;
  const hi = p.maximum ?? p.exclusiveMaximum;
  if (lo !== undefined || hi !== undefined) {
    const open = p.exclusiveMinimum !== undefined ? '(' : '[';
    const close = p.exclusiveMaximum !== undefined ? ')' : ']';
    parts.push(`in ${open}${lo ?? '-inf'}, ${hi ?? 'inf'}${close}`);
  }
  if (p.default !== undefined) parts.push(`default ${JSON.stringify(p.default)}`);
  else parts.push(p.required ? 'required' : 'optional');
  return parts.join(' ');
}

function listParams(params: ParamInfo[]): string {
  if (params.length === 0) return 'This analysis takes no parameters.';
  return 'Valid parameters:\n' + params.map((p) => `  ${p.name}: ${formatParamRange(p)}`).join('\n');
}

function coerce(raw: string, info: ParamInfo | undefined): unknown {
  const type = info?.type ?? 'any';
  if (type === 'number' || type === 'integer') {
    const n = Number(raw);
    return raw.trim() === '' || Number.isNaN(n) ? raw : n;
  }
  if (type === 'boolean') {
    if (raw === 'true' || raw === '1' || raw === 'yes') return true;
    if (raw === 'false' || raw === '0' || raw === 'no') return false;
    return raw;
  }
  if (type === 'string' || type === 'enum') {
    if (info?.choices && info.choices.every((c) => typeof c === 'number')) return Number(raw);
    return raw;
  }
  if (type.startsWith('array')) {
    const trimmed = raw.trim();
    if (trimmed.startsWith('[')) {
      try {
        return JSON.parse(trimmed);
      } catch {
        return raw;
      }
    }
    const items = trimmed === '' ? [] : trimmed.split(',').map((s) => s.trim());
    return type === 'array of number' || type === 'array of integer' ? items.map(Number) : items;
  }
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * Turns `["layers=3", "method=b"]` into `{ layers: 3, method: 'b' }`, converting each value to the
 * parameter's declared type. Throws MarrUsageError for malformed pairs and unknown names.
 */
export function parseParamAssignments(schema: z.ZodType, assignments: readonly string[]): Record<string, unknown> {
  const params = describeParams(schema);
  const byName = new Map(params.map((p) => [p.name, p]));
  const out: Record<string, unknown> = {};
  for (const a of assignments) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new MarrUsageError(`--param "${a}" is not of the form key=value.\n${listParams(params)}`);
    const key = a.slice(0, eq).trim();
    const info = byName.get(key);
    if (!info) throw new MarrUsageError(`unknown parameter "${key}".\n${listParams(params)}`);
    out[key] = coerce(a.slice(eq + 1), info);
  }
  return out;
}

/**
 * Validates raw parameters against the schema, filling defaults. Unknown names and invalid or
 * out-of-range values throw MarrUsageError naming each parameter and its valid values.
 */
export function validateParams<S extends z.ZodType>(schema: S, raw: Record<string, unknown>): z.output<S> {
  const params = describeParams(schema);
  const byName = new Map(params.map((p) => [p.name, p]));
  for (const key of Object.keys(raw)) {
    if (!byName.has(key)) throw new MarrUsageError(`unknown parameter "${key}".\n${listParams(params)}`);
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data as z.output<S>;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.map(String).join('.') || '(params)';
    const info = byName.get(String(issue.path[0]));
    const given = issue.path.length > 0 ? raw[String(issue.path[0])] : raw;
    const expect = info ? ` (expected ${formatParamRange(info)})` : '';
    return `  ${name} = ${JSON.stringify(given)}: ${issue.message}${expect}`;
  });
  throw new MarrUsageError(`invalid parameter value:\n${lines.join('\n')}\n${listParams(params)}`);
}
