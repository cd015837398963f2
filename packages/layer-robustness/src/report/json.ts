/**
 * Converting typed results into report JSON, with a clear error naming the field when a value is
 * not finite (the report schema accepts only finite numbers).
 */
import type { JsonValue } from '@marr/core';

export function toJsonValue(value: unknown, path = 'results'): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`internal: ${path} is ${value}; reports hold only finite numbers`);
    return value;
  }
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>, (v, i) => toJsonValue(v, `${path}[${i}]`));
  if (Array.isArray(value)) return value.map((v, i) => toJsonValue(v, `${path}[${i}]`));
  if (typeof value === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined) out[k] = toJsonValue(v, `${path}.${k}`);
    }
    return out;
  }
  throw new Error(`internal: ${path} has unsupported type ${typeof value}`);
}
