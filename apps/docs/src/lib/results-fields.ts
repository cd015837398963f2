/**
 * The rows of an analysis page's "Results" table, from the JSON schema of its `results` (as `marr
 * describe --json` prints it): every field, and the fields of objects and arrays of objects nested in
 * it, two levels deep, each with its type and description.
 */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  additionalProperties?: JsonSchema | boolean;
}

export function typeName(s: JsonSchema): string {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.anyOf) return s.anyOf.map(typeName).join(' | ');
  if (s.type === 'array') return `${s.items ? typeName(s.items) : 'any'}[]`;
  if (s.type === 'object' && !s.properties && typeof s.additionalProperties === 'object') return `{ [key]: ${typeName(s.additionalProperties)} }`;
  if (Array.isArray(s.type)) return s.type.join(' | ');
  return s.type ?? 'any';
}

export function resultsFields(schema: JsonSchema | null | undefined, depth = 2): [string, string, string][] {
  const rows: [string, string, string][] = [];
  const walk = (s: JsonSchema, prefix: string, level: number) => {
    for (const [name, field] of Object.entries(s.properties ?? {})) {
      const path = prefix ? `${prefix}.${name}` : name;
      rows.push([path, typeName(field), field.description ?? '']);
      if (level >= depth) continue;
      if (field.properties) walk(field, path, level + 1);
      else if (field.type === 'array' && field.items?.properties) walk(field.items, `${path}[]`, level + 1);
    }
  };
  if (schema) walk(schema, '', 1);
  return rows;
}
