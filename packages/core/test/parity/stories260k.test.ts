import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, sharedFixture } from '../../src/index.js';

const dir = sharedFixture('models/stories260K');

describe.skipIf(!dir.path)(`stories260K llama2.c checkpoint ${dir.reason}`, () => {
  it('generates, greedily from "Once upon a time", the text quoted in its SOURCE.txt', async () => {
    const source = readFileSync(join(dir.path!, 'SOURCE.txt'), 'utf8');
    const quoted = /"(Once upon a time[^"]*)"/.exec(source)![1];
    const model = await loadModel(join(dir.path!, 'stories260K.bin'), { tokenizer: join(dir.path!, 'tok512.bin') });
    const prompt = model.tokenizer!.encode('Once upon a time');
    const expected = model.tokenizer!.encode(quoted);
    const out = await model.generate('Once upon a time', { maxNewTokens: expected.length - prompt.length, temperature: 0 });
    expect(out.text.startsWith(quoted)).toBe(true);
    expect(out.tokens).toEqual(expected);
    await model.dispose();
  });
});
