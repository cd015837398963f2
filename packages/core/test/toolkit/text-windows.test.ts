import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTableDataset, loadTextDataset, randomModel, textWindows, type Tokenizer } from '../../src/index.js';

// A word tokenizer over a fixed vocabulary: each word is its index + 3, BOS is 1.
const words = ['the', 'cat', 'sat', 'on', 'a', 'mat'];
const tokenizer: Tokenizer = {
  vocabSize: 40, bosTokenId: 1, eosTokenId: 2,
  encode: (text, o) => [...(o?.addBos === false ? [] : [1]), ...text.split(/\s+/).filter(Boolean).map((w) => 3 + words.indexOf(w))],
  decode: (ids) => ids.join(' '),
  tokenString: (id) => words[id - 3] ?? `<${id}>`,
};

describe('textWindows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marr-windows-'));
  const model = Object.assign(Object.create(null), randomModel({ architecture: 'llama', nLayers: 1, dModel: 16, nHeads: 2, dMlp: 16, dVocab: 40, nCtx: 8 }, { seed: 1 }), { tokenizer });

  it('cuts the text into windows of contextLength tokens that start with BOS, up to maxTokens', async () => {
    const text = join(dir, 'a.txt');
    writeFileSync(text, Array.from({ length: 12 }, () => 'the cat sat on a mat').join(' '));
    const data = await loadTextDataset(text);
    const windows = textWindows({ data }, model, { contextLength: 6, maxTokens: 18 });
    expect(windows.length).toBe(3);
    for (const w of windows) {
      expect(w.length).toBe(6);
      expect(w[0]).toBe(1);
    }
  });

  it('says how to fix a missing, non-text or too-short dataset and a context longer than the model', async () => {
    expect(() => textWindows({ data: null }, model, { contextLength: 4, maxTokens: 100 })).toThrow(/needs a text dataset; pass one with --data/);
    const csv = join(dir, 't.csv');
    writeFileSync(csv, 'x,y\n1,2\n');
    const table = await loadTableDataset(csv);
    expect(() => textWindows({ data: table }, model, { contextLength: 4, maxTokens: 100 })).toThrow(/was read as table/);
    const short = join(dir, 's.txt');
    writeFileSync(short, 'the cat');
    const data = await loadTextDataset(short);
    expect(() => textWindows({ data }, model, { contextLength: 6, maxTokens: 100 })).toThrow(/gave no full window of 6 tokens; lower --param contextLength/);
    expect(() => textWindows({ data }, model, { contextLength: 9, maxTokens: 100 })).toThrow(/exceeds the model's context of 8 tokens; pass --param contextLength=8/);
  });
});
