import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeParams, formatParamRange, MarrUsageError, parseParamAssignments, validateParams } from '../../src/index.js';

const schema = z.object({
  layers: z.number().int().min(1).max(12).default(4).describe('How many layers to delete'),
  method: z.enum(['mean', 'zero']).default('mean').describe('How to ablate'),
  verbose: z.boolean().default(false),
  positions: z.array(z.number().int()).default([0, 1]),
  threshold: z.number().gt(0).lt(1).default(0.5),
  label: z.string().optional(),
});

describe('describeParams', () => {
  it('lists every parameter with type, default, range and help, in declaration order', () => {
    const params = describeParams(schema);
    expect(params.map((p) => p.name)).toEqual(['layers', 'method', 'verbose', 'positions', 'threshold', 'label']);
    expect(params[0]).toEqual({
      name: 'layers',
      type: 'integer',
      required: false,
      default: 4,
      description: 'How many layers to delete',
      minimum: 1,
      maximum: 12,
    });
    expect(params[1]).toMatchObject({ type: 'enum', choices: ['mean', 'zero'], default: 'mean' });
    expect(params[3].type).toBe('array of integer');
    expect(formatParamRange(params[0])).toBe('integer in [1, 12] default 4');
    expect(formatParamRange(params[4])).toBe('number in (0, 1) default 0.5');
    expect(formatParamRange(params[1])).toBe('one of "mean", "zero" default "mean"');
  });

  it('rejects a params schema that is not an object', () => {
    expect(() => describeParams(z.number())).toThrow(/must be a z.object/);
  });
});

describe('parseParamAssignments + validateParams', () => {
  it('converts key=value strings to the declared types and fills defaults', () => {
    const raw = parseParamAssignments(schema, ['layers=3', 'method=zero', 'verbose=true', 'positions=2,5,7', 'label=a=b']);
    expect(raw).toEqual({ layers: 3, method: 'zero', verbose: true, positions: [2, 5, 7], label: 'a=b' });
    expect(validateParams(schema, raw)).toEqual({ ...raw, threshold: 0.5 });
    expect(parseParamAssignments(schema, ['positions=[1, 2]']).positions).toEqual([1, 2]);
  });

  it('names an unknown parameter and lists the valid ones', () => {
    const err = (() => {
      try {
        parseParamAssignments(schema, ['layer=3']);
      } catch (e) {
        return e as Error;
      }
      throw new Error('no error');
    })();
    expect(err).toBeInstanceOf(MarrUsageError);
    expect(err.message).toContain('unknown parameter "layer"');
    expect(err.message).toContain('layers: integer in [1, 12] default 4');
    expect(err.message).toContain('method: one of "mean", "zero"');
    expect(() => validateParams(schema, { nope: 1 })).toThrow(/unknown parameter "nope"/);
  });

  it('rejects a malformed pair', () => {
    expect(() => parseParamAssignments(schema, ['layers'])).toThrow(/not of the form key=value/);
  });

  it('names an out-of-range or invalid value with the expected range', () => {
    expect(() => validateParams(schema, parseParamAssignments(schema, ['layers=20']))).toThrow(
      /layers = 20: .*<=12.*\(expected integer in \[1, 12\] default 4\)/,
    );
    expect(() => validateParams(schema, parseParamAssignments(schema, ['layers=abc']))).toThrow(/layers = "abc"/);
    expect(() => validateParams(schema, parseParamAssignments(schema, ['method=max']))).toThrow(
      /method = "max".*one of "mean", "zero"/,
    );
    expect(() => validateParams(schema, parseParamAssignments(schema, ['threshold=1']))).toThrow(/threshold = 1/);
  });
});
