import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkInputCounts, defineAnalysis, definePlugin, describeInputs, hookPatternToRegExp } from '../../src/index.js';

const make = (inputs: Parameters<typeof defineAnalysis>[0]['inputs']) =>
  defineAnalysis({ id: 'x', title: 'X', level: 'algorithmic', summary: 's', inputs, params: z.object({}), run: async () => ({ summary: '', results: {}, sections: [] }) });

describe('inputs', () => {
  it('describes what an analysis needs', () => {
    expect(describeInputs({})).toBe('no inputs');
    expect(describeInputs({ models: { min: 2 } })).toBe('2 or more models (--model)');
    expect(describeInputs({ models: { min: 1, max: 3 }, data: { kind: 'text', required: false, description: 'prompts' } })).toBe(
      '1 to 3 models (--model); optionally a text dataset (--data): prompts',
    );
  });

  it('checks model and data counts', () => {
    const two = make({ models: { min: 2, max: 2 } });
    expect(() => checkInputCounts(two, { modelCount: 1, hasData: false })).toThrow('x needs 2 models (--model), but only 1 --model were given.');
    expect(() => checkInputCounts(two, { modelCount: 2, hasData: true })).toThrow('x reads no dataset; remove --data.');
    expect(() => checkInputCounts(two, { modelCount: 2, hasData: false })).not.toThrow();
    expect(() => checkInputCounts(make({}), { modelCount: 1, hasData: false })).toThrow(/remove the extra ones/);
  });

  it('matches hook point patterns one segment per star', () => {
    const re = hookPatternToRegExp('blocks.*.mlp.hook_post');
    expect(re.test('blocks.3.mlp.hook_post')).toBe(true);
    expect(re.test('blocks.12.mlp.hook_post')).toBe(true);
    expect(re.test('blocks.3.4.mlp.hook_post')).toBe(false);
    expect(re.test('blocksX3.mlp.hook_post')).toBe(false);
    expect(hookPatternToRegExp('hook_embed').test('hook_embed')).toBe(true);
  });

  it('definePlugin and defineAnalysis refuse bad definitions', () => {
    expect(() => make({}) && defineAnalysis({ ...make({}), id: 'Bad_Id' })).toThrow(/kebab-case/);
    expect(() => definePlugin({ name: 'p', version: '1', apiVersion: 2, analyses: [] })).toThrow(/apiVersion 2 is not supported/);
    expect(() => definePlugin({ name: 'p', version: '1', apiVersion: 1, analyses: [make({}), make({})] })).toThrow(/defined twice/);
  });
});
