/**
 * The results contracts of the two analyses, as zod schemas (validated in the tests; to be declared as
 * the analyses' `results` once the protocol takes results schemas).
 */
import { PATCH_HOOKS, PATCH_OVER, PATCHING_METRICS, z } from '@marr/core';

const finite = z.number().finite();

export const gridSchema = z
  .object({
    rows: z.array(z.string()).describe('Row labels: L0, L1, ... (layers), or one per sender set.'),
    columns: z.array(z.string()).describe('Column labels: positions ("9 bomb Δ40"), heads (H0, ...), the hook name, or "effect".'),
    values: z.array(z.array(finite)).describe('The metric averaged over pairs, [row][column].'),
    normalised: z.array(z.array(finite)).describe('Activation patching: 0 = corrupted, 1 = clean. Path patching: share of the clean-corrupted gap the paths carry.'),
  })
  .refine((g) => g.values.length === g.rows.length && g.values.every((r) => r.length === g.columns.length), { message: 'values must be rows x columns' })
  .refine((g) => g.normalised.length === g.rows.length && g.normalised.every((r) => r.length === g.columns.length), { message: 'normalised must be rows x columns' });

const topSchema = z.array(z.object({ row: z.string(), column: z.string(), value: finite, normalised: finite }));

const metricEnum = z.enum(PATCHING_METRICS as unknown as [string, ...string[]]);

export const activationPatchingResults = z.object({
  grid: gridSchema,
  hook: z.enum(PATCH_HOOKS as unknown as [string, ...string[]]),
  over: z.enum(PATCH_OVER as unknown as [string, ...string[]]),
  direction: z.enum(['denoise', 'noise']),
  metric: metricEnum,
  clean: finite.describe('The metric on the clean prompts, averaged over pairs.'),
  corrupted: finite.describe('The metric on the corrupted prompts, averaged over pairs.'),
  pairs: z.number().int().positive(),
  top: topSchema.describe('The cells with the largest |normalised|, largest first.'),
});

export const pathPatchingResults = z.object({
  grid: gridSchema,
  senders: z.array(z.string()).describe('The sender sets, components joined by +.'),
  receivers: z.array(z.string()),
  metric: metricEnum,
  clean: finite,
  corrupted: finite,
  pairs: z.number().int().positive(),
  top: topSchema,
});

const passesSchema = z.object({
  forward: z.number().int().nonnegative(),
  backward: z.number().int().nonnegative(),
});

export const attributionPatchingResults = z.object({
  grid: gridSchema.describe('The attribution estimate: values = the run\'s metric + the first-order change; normalised as activation patching (0 = corrupted, 1 = clean).'),
  attribution: z.array(z.array(finite)).describe('The first-order change of the metric per cell, averaged over pairs: (source - run) activation x d metric / d activation at the run, summed over the cell.'),
  activation: gridSchema.nullable().describe('True activation patching of the same grid (null with compare=false).'),
  correlation: z
    .object({
      pearson: finite.nullable().describe("Pearson's r of attribution vs activation patching over every cell (null when a grid is constant)."),
      spearman: finite.nullable().describe("Spearman's rank correlation over every cell."),
      meanAbsoluteError: finite.describe('Mean |attribution - activation patching| of the normalised cells.'),
      maxAbsoluteError: finite,
      cells: z.number().int().positive(),
    })
    .nullable()
    .describe('How well attribution predicts activation patching (null with compare=false).'),
  hook: z.enum(PATCH_HOOKS as unknown as [string, ...string[]]),
  over: z.enum(PATCH_OVER as unknown as [string, ...string[]]),
  direction: z.enum(['denoise', 'noise']),
  metric: metricEnum,
  clean: finite,
  corrupted: finite,
  pairs: z.number().int().positive(),
  passes: z
    .object({ attribution: passesSchema, activation: passesSchema.nullable() })
    .describe('Cost in passes over every pair: attribution 2 forward + 1 backward; activation patching one patched run per cell plus the two baselines. Seconds: report.timings.phases (part:attribution, part:activation-patching).'),
  top: z
    .array(z.object({ row: z.string(), column: z.string(), value: finite, normalised: finite, activation: finite.nullable() }))
    .describe('The cells with the largest |normalised| attribution, largest first, with activation patching of the same cell.'),
});
