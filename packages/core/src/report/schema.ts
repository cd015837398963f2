/**
 * zod schemas for reports and the report.json envelope. They check what analyses return (finite
 * numbers, consistent lengths) and generate the published JSON schema (`reportJsonSchema`).
 */
import { z } from 'zod';
import type {
  Axis,
  FigureMark,
  FigureSpec,
  JsonValue,
  Report,
  ReportEnvelope,
  ReportSection,
  Scalar,
  Series,
} from './types.js';

export const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(jsonValueSchema), z.record(z.string(), jsonValueSchema)]),
);

const scalarSchema = z.object({
  name: z.string(),
  value: z.number(),
  unit: z.string().optional(),
  stderr: z.number().optional(),
  help: z.string().optional(),
});

const axisSchema = z.object({
  label: z.string(),
  scale: z.enum(['linear', 'log']).optional(),
  domain: z.tuple([z.number(), z.number()]).optional(),
});

const seriesSchema = z
  .object({
    name: z.string(),
    x: z.array(z.number()),
    y: z.array(z.number()),
    error: z.array(z.number()).optional(),
  })
  .refine((s) => s.x.length === s.y.length, { message: 'series x and y must have the same length' })
  .refine((s) => !s.error || s.error.length === s.y.length, { message: 'series error must have the length of y' });

const figureMarkSchema = z.object({
  kind: z.enum(['rule', 'band']),
  from: z.number(),
  to: z.number().optional(),
  label: z.string(),
});

const xyFigureSchema = z.object({
  type: z.enum(['line', 'scatter']),
  title: z.string(),
  x: axisSchema,
  y: axisSchema,
  series: z.array(seriesSchema),
  marks: z.array(figureMarkSchema).optional(),
});

const barFigureSchema = z
  .object({
    type: z.literal('bar'),
    title: z.string(),
    x: axisSchema,
    y: axisSchema,
    categories: z.array(z.string()),
    series: z.array(z.object({ name: z.string(), values: z.array(z.number()) })),
  })
  .refine((f) => f.series.every((s) => s.values.length === f.categories.length), {
    message: 'every bar series needs one value per category',
  });

const heatmapFigureSchema = z
  .object({
    type: z.literal('heatmap'),
    title: z.string(),
    x: axisSchema,
    y: axisSchema,
    xLabels: z.array(z.string()),
    yLabels: z.array(z.string()),
    values: z.array(z.array(z.number())),
    colorLabel: z.string().optional(),
  })
  .refine((f) => f.values.length === f.yLabels.length && f.values.every((r) => r.length === f.xLabels.length), {
    message: 'heatmap values must be yLabels.length rows of xLabels.length numbers',
  });

const figureSpecSchema = z.union([xyFigureSchema, barFigureSchema, heatmapFigureSchema]);

const cellSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const sectionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('scalars'), title: z.string(), items: z.array(scalarSchema) }),
  z
    .object({
      kind: z.literal('table'),
      title: z.string(),
      columns: z.array(z.string()),
      rows: z.array(z.array(cellSchema)),
      terminalRows: z.number().int().nonnegative().optional(),
    })
    .refine((t) => t.rows.every((r) => r.length === t.columns.length), {
      message: 'every table row needs one cell per column',
    }),
  z.object({ kind: z.literal('figure'), figure: figureSpecSchema, caption: z.string().optional() }),
  z
    .object({
      kind: z.literal('artifact'),
      name: z.string(),
      shape: z.array(z.number().int().nonnegative()),
      data: z.array(z.number()),
      description: z.string().optional(),
    })
    .refine((a) => a.data.length === a.shape.reduce((p, d) => p * d, 1), {
      message: 'artifact data length must be the product of its shape',
    }),
  z.object({ kind: z.literal('note'), title: z.string().optional(), text: z.string() }),
  z
    .object({
      kind: z.literal('tokens'),
      title: z.string(),
      valueLabel: z.string(),
      rows: z.array(z.object({ label: z.string(), tokens: z.array(z.string()), values: z.array(z.number()) })),
      caption: z.string().optional(),
    })
    .refine((t) => t.rows.every((r) => r.tokens.length === r.values.length), {
      message: 'every tokens row needs one value per token',
    }),
]);

const reportShape = {
  summary: z.string(),
  results: z.record(z.string(), jsonValueSchema),
  sections: z.array(sectionSchema),
};

export const reportSchema = z.object(reportShape);

const inputFileSchema = z.object({
  path: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
});

export const reportEnvelopeSchema = z
  .object({
    schemaVersion: z.literal(1),
    analysis: z.object({
      id: z.string(),
      title: z.string(),
      level: z.enum(['computational', 'algorithmic', 'implementational']),
      plugin: z.string(),
      pluginVersion: z.string(),
    }),
    marrVersion: z.string(),
    params: z.record(z.string(), jsonValueSchema),
    seed: z.number().int(),
    inputs: z.object({
      models: z.array(z.object({ spec: z.string(), format: z.string(), files: z.array(inputFileSchema) })),
      data: inputFileSchema.nullable(),
      files: z.array(z.object({ role: z.string(), ...inputFileSchema.shape })).optional(),
    }),
    timings: z.object({
      startedAt: z.string(),
      totalSeconds: z.number().nonnegative(),
      phases: z.record(z.string(), z.number().nonnegative()),
    }),
    ...reportShape,
  })
  .meta({
    title: 'marr report',
    description: 'report.json as written by `marr run`: an analysis report plus what is needed to reproduce it.',
  });

// Compile-time checks that the schemas and the hand-written interfaces describe the same data.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameChecks: [
  Same<z.output<typeof scalarSchema>, Scalar>,
  Same<z.output<typeof axisSchema>, Axis>,
  Same<z.output<typeof seriesSchema>, Series>,
  Same<z.output<typeof figureMarkSchema>, FigureMark>,
  Same<z.output<typeof figureSpecSchema>, FigureSpec>,
  Same<z.output<typeof sectionSchema>, ReportSection>,
  Same<z.output<typeof reportSchema>, Report>,
  Same<z.output<typeof reportEnvelopeSchema>, ReportEnvelope>,
] = [true, true, true, true, true, true, true, true];
void sameChecks;

/** Thrown when a report does not match its schema; the message lists each problem with its path. */
export class ReportValidationError extends Error {
  constructor(
    readonly what: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(
      `${what} is not a valid marr report:\n` +
        issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n') +
        '\nFix the analysis so it returns finite numbers and consistent shapes (see docs/plugin-protocol.md).',
    );
    this.name = 'ReportValidationError';
  }
}

function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ReportValidationError(
    what,
    result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  );
}

/** Checks what an analysis returned; throws ReportValidationError naming every bad field. */
export function validateReport(value: unknown, what = 'the report'): Report {
  return check(reportSchema, value, what);
}

/** Checks a whole report.json envelope. */
export function validateReportEnvelope(value: unknown, what = 'report.json'): ReportEnvelope {
  return check(reportEnvelopeSchema, value, what);
}

/** The JSON schema of report.json (draft 2020-12), generated from the zod schema. */
export function reportJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(reportEnvelopeSchema, { io: 'output' }) as Record<string, unknown>;
  return { ...schema, $id: 'urn:marr:schema:report.json:v1' };
}

/** The JSON schema of an analysis's `results`, from its zod `results` schema (null when it declares none). */
export function resultsJsonSchema(analysis: { results?: z.ZodType }): Record<string, unknown> | null {
  if (!analysis.results) return null;
  const { $schema: _drop, ...schema } = z.toJSONSchema(analysis.results, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  void _drop;
  return schema;
}

/** The JSON schema of one analysis's report.json: the envelope with `results` replaced by the analysis's own schema. */
export function analysisReportJsonSchema(analysis: { id: string; results?: z.ZodType }): Record<string, unknown> {
  const envelope = analysis.results ? reportEnvelopeSchema.extend({ results: analysis.results }) : reportEnvelopeSchema;
  const schema = z.toJSONSchema(envelope, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: `urn:marr:schema:report.json:v1:${analysis.id}` };
}
