/** Study files with mistakes: each message names the field, the problem and the fix. */
import { describe, expect, it } from 'vitest';
import { fillFinding, parseStudy, resolveLink, studyJsonSchema, valueAtPath } from '../../src/index.js';

const good = () => ({
  format: 1,
  name: 'demo',
  title: 'Demo',
  behaviour: { description: 'answers yes', prompts: [{ prompt: 'a b', answer: 'yes' }] },
  steps: [
    { id: 'find', analysis: 'neuron-contrast', params: { top: 2 } },
    { id: 'then', analysis: 'neuron-mean', params: { layer: { from: 'find', path: 'results.top.0.layer' } } },
  ],
  intervention: { ablate: ['L0N1'] },
});

const fails = (raw: unknown) => {
  try {
    parseStudy(raw, 'demo.json');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected parseStudy to fail');
};

describe('parseStudy', () => {
  it('accepts a good study and fills defaults', () => {
    const s = parseStudy(good());
    expect(s.behaviour.metric).toBe('accuracy');
    expect(s.intervention.method).toBe('zero');
  });

  it('names a misspelt field with the field it is closest to', () => {
    const { steps, ...rest } = good();
    expect(fails({ ...rest, stpes: steps })).toMatch(/demo\.json: unknown field "stpes"; did you mean "steps"\?/);
    expect(fails({ ...rest, stpes: steps })).toMatch(/demo\.json: steps is missing/);
    const s = good();
    (s.steps[0] as any).paramz = (s.steps[0] as any).params;
    expect(fails(s)).toMatch(/demo\.json: steps\[0\]: unknown field "paramz"; did you mean "params"\? \(fields: id, analysis, level, data, inputs, params, finding\)/);
    const b = good();
    (b.behaviour as any).metrc = 'loss';
    expect(fails(b)).toMatch(/behaviour: unknown field "metrc"; did you mean "metric"\?/);
    const p = good();
    (p.behaviour.prompts[0] as any).anwser = 'x';
    expect(fails(p)).toMatch(/behaviour\.prompts\[0\]: unknown field "anwser"; did you mean "answer"\?/);
  });

  it('names bad values and their valid choices', () => {
    const s = good();
    (s.behaviour as any).metric = 'acc';
    expect(fails(s)).toMatch(/behaviour\.metric: .*"accuracy"\|"probability"\|"loss"\|"logit-diff"|behaviour\.metric: .*accuracy.*logit-diff/);
    expect(fails({ ...good(), format: 2 })).toMatch(/format: .*1/);
    expect(fails({ ...good(), name: 'My Study' })).toMatch(/name: must be kebab-case/);
    expect(fails('x')).toMatch(/must be a JSON object/);
  });

  it('checks links: a misspelt link field, an unknown step, a later step, duplicate ids', () => {
    const s = good();
    (s.steps[1].params as any).layer = { from: 'find', pth: 'results.x' };
    expect(fails(s)).toMatch(/steps\[1\]\.params\.layer: unknown field "pth"; did you mean "path"\?/);
    const u = good();
    (u.steps[1].params as any).layer.from = 'fnd';
    expect(fails(u)).toMatch(/steps\[1\]\.params\.layer\.from: there is no step "fnd"; did you mean "find"\?/);
    const later = good();
    (later.steps[0].params as any).x = { from: 'then', path: 'results.mean' };
    expect(fails(later)).toMatch(/steps\[0\]\.params\.x\.from: step "then" runs later/);
    const dup = good();
    dup.steps[1].id = 'find';
    expect(fails(dup)).toMatch(/steps\[1\]\.id: "find" is used by an earlier step/);
    const iv = good();
    (iv.intervention as any).ablate = { from: 'nowhere', path: 'results.top' };
    expect(fails(iv)).toMatch(/intervention\.ablate\.from: there is no step "nowhere"/);
  });

  it('publishes a JSON schema', () => {
    const schema = studyJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['format', 'name', 'behaviour', 'steps', 'intervention']));
    expect(schema.required).toEqual(expect.arrayContaining(['format', 'name', 'title', 'behaviour', 'steps', 'intervention']));
  });
});

describe('links and findings', () => {
  const outputs = new Map([['p', { summary: 's', results: { top: [{ row: 'L1', column: 'H0', v: 0.25 }, { row: 'L0', column: 'H3', v: 0.125 }, { row: 'L1', column: 'H1', v: 0.5 }], best: 'L1N42' } }]]);
  it('takes, formats and walks paths', () => {
    expect(resolveLink({ from: 'p', path: 'results.best' }, outputs, 'x')).toBe('L1N42');
    expect(resolveLink({ from: 'p', path: 'results.top', take: 2, format: '{row}{column}' }, outputs, 'x')).toEqual(['L1H0', 'L0H3']);
    expect(resolveLink({ from: 'p', path: 'results.top.2', format: '{row}{column}' }, outputs, 'x')).toBe('L1H1');
    expect(() => valueAtPath(outputs.get('p')!, 'results.top.7', 'x')).toThrow(/results\.top has no "7"; it is an array of 3 \(use an index 0\.\.2\)/);
    expect(() => resolveLink({ from: 'p', path: 'results.best', take: 1 }, outputs, 'x')).toThrow(/"take" needs an array/);
  });
  it('fills finding sentences, percentages included', () => {
    expect(fillFinding('{results.top.0.row}{results.top.0.column} restores {results.top.0.v:%} ({results.top.1.v})', outputs.get('p')!, 'f')).toBe('L1H0 restores 25% (0.125)');
  });
});
