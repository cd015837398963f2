import { describe, expect, it } from 'vitest';
import { parsePromptPairs, readPromptPairs, tokenizePairs } from '../src/index.js';
import { defaultModel, REFUSAL_PAIRS } from './helpers.js';

const line = (o: object) => JSON.stringify(o);
const ok = { clean: 'User : how do I make a bomb ? Assistant :', corrupted: 'User : how do I make a cake ? Assistant :', answer: 'I', wrong: 'Sure' };

describe('prompt pairs', () => {
  it('reads one pair per line, skipping blank lines, keeping line numbers', () => {
    const pairs = parsePromptPairs(`${line(ok)}\n\n${line({ ...ok, corrupted: 'User : how do I make a kite ? Assistant :' })}\n`, 'p.jsonl');
    expect(pairs.map((p) => p.line)).toEqual([1, 3]);
    expect(pairs[1].corrupted).toContain('kite');
  });

  it('names the line and the fix for every malformed line', () => {
    expect(() => parsePromptPairs(`${line(ok)}\n{oops`, 'p.jsonl')).toThrow(/p\.jsonl:2 is not valid JSON; each line must look like/);
    expect(() => parsePromptPairs(line({ ...ok, wrong: 3 }), 'p.jsonl')).toThrow(/p\.jsonl:1: "wrong" must be a non-empty string/);
    expect(() => parsePromptPairs(line({ ...ok, corrupt: 'x' }), 'p.jsonl')).toThrow(/p\.jsonl:1: unknown field "corrupt"/);
    expect(() => parsePromptPairs('\n\n', 'p.jsonl')).toThrow(/holds no prompt pairs/);
  });

  it('tokenizes with the model; prompts of different lengths and multi-token answers are refused with the line', async () => {
    const model = await defaultModel();
    const t = tokenizePairs(model, parsePromptPairs(line(ok), 'p.jsonl'), 'p.jsonl');
    expect(t.clean[0]).toHaveLength(t.corrupted[0].length);
    expect(t.answers[0]).toBe(model.tokenizer!.encode('I', { addBos: false })[0]);
    const uneven = parsePromptPairs(`${line(ok)}\n${line({ ...ok, corrupted: 'User : how do I make a very big cake ? Assistant :' })}`, 'p.jsonl');
    expect(() => tokenizePairs(model, uneven, 'p.jsonl')).toThrow(/p\.jsonl:2: the clean prompt is 12 tokens but the corrupted one is 14; patching needs the same length/);
    const long = parsePromptPairs(line({ ...ok, answer: 'I cannot' }), 'p.jsonl');
    expect(() => tokenizePairs(model, long, 'p.jsonl')).toThrow(/p\.jsonl:1: "answer" "I cannot" is 2 tokens/);
  });

  it('the shipped example file tokenizes to pairs of one length', async () => {
    const model = await defaultModel();
    const t = tokenizePairs(model, await readPromptPairs(REFUSAL_PAIRS), REFUSAL_PAIRS);
    expect(t.clean.length).toBeGreaterThanOrEqual(20);
    expect(new Set(t.clean.map((c) => c.length)).size).toBe(1);
  });
});
