import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset, loadTextDataset, streamTextDocuments, streamTokenWindows, tokenWindows } from '../../src/index.js';
import { sharedFixture } from '../../src/testing.js';
import { byteTokenizer, ids } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'marr-text-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('text documents', () => {
  it('reads paragraphs from .txt, strings or text fields from .jsonl, a text column from .csv', async () => {
    expect(await collect(streamTextDocuments(write('a.txt', 'One\ntwo\n\n\nThree\r\n\r\nfour\n')))).toEqual(['One\ntwo', 'Three', 'four']);
    expect(await collect(streamTextDocuments(write('a.jsonl', '"x"\n\n{"text":"y","id":1}\n')))).toEqual(['x', 'y']);
    expect(await collect(streamTextDocuments(write('a.csv', 'id,text\n1,"hello, world"\n2,"say ""hi"""\n')))).toEqual([
      'hello, world',
      'say "hi"',
    ]);
  });

  it('names the bad line of a .jsonl file and a missing text column', async () => {
    await expect(collect(streamTextDocuments(write('b.jsonl', '"ok"\n{bad\n')))).rejects.toThrow(/b.jsonl:2 is not valid JSON/);
    await expect(collect(streamTextDocuments(write('c.jsonl', '{"body":"x"}\n')))).rejects.toThrow(/c.jsonl:1: expected a JSON string or an object with a string "text" field/);
    await expect(collect(streamTextDocuments(write('b.csv', 'id,body\n1,x\n')))).rejects.toThrow(/has no "text" column \(columns: id, body\)/);
    await expect(loadTextDataset(join(dir, 'nope.txt'))).rejects.toThrow(/text data file ".*nope.txt" does not exist/);
    await expect(loadTextDataset(write('empty.txt', '\n\n'))).rejects.toThrow(/contains no text/);
  });
});

describe('token windows', () => {
  const tok = byteTokenizer();

  it('joins documents with EOS, cuts contextLength-1 tokens and puts BOS in front of each window', () => {
    // stream: a b c EOS d e f g EOS h  -> chunks of 3: [a b c] [EOS d e] [f g EOS]; "h" is a partial chunk and dropped
    const windows = tokenWindows(['abc', 'defg', 'h'], tok, { contextLength: 4 });
    expect(windows).toEqual([
      [1, ...ids('abc')],
      [1, 2, ...ids('de')],
      [1, ...ids('fg'), 2],
    ]);
  });

  it('caps the total at maxTokens and uses whole windows only', () => {
    expect(tokenWindows(['abcdefghijkl'], tok, { contextLength: 4, maxTokens: 9 })).toEqual([
      [1, ...ids('abc')],
      [1, ...ids('def')],
    ]);
  });

  it('uses plain chunks when there is no BOS, and BOS as separator when there is no EOS', () => {
    expect(tokenWindows(['ab', 'cd'], byteTokenizer({ bos: false, eos: false }), { contextLength: 2 })).toEqual([ids('ab'), ids('cd')]);
    expect(tokenWindows(['ab', 'cd'], byteTokenizer({ eos: false }), { contextLength: 3 })).toEqual([
      [1, ...ids('ab')],
      [1, 1, ids('c')[0]],
    ]);
  });

  it('rejects impossible window sizes with the fix', () => {
    expect(() => tokenWindows(['abc'], tok, { contextLength: 1 })).toThrow('contextLength must be an integer >= 2, got 1');
    expect(() => tokenWindows(['abc'], tok, { contextLength: 4, maxTokens: 3 })).toThrow(/maxTokens must be an integer >= contextLength \(4\)/);
  });

  it('streams: stops pulling documents once maxTokens is filled, and agrees with the in-memory version', async () => {
    let pulled = 0;
    async function* docs() {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield 'abcdefg';
      }
    }
    const windows = await collect(streamTokenWindows(docs(), tok, { contextLength: 8, maxTokens: 32 }));
    expect(windows.length).toBe(4);
    expect(pulled).toBeLessThanOrEqual(5);
    expect(windows).toEqual(tokenWindows(Array(10).fill('abcdefg'), tok, { contextLength: 8, maxTokens: 32 }));
  });

  const story = sharedFixture('data/tinystories/tinystories_cased_197k.txt');
  it.skipIf(!story.path)(`loads TinyStories as a text dataset ${story.reason}`, async () => {
    const data = await loadDataset(story.path!, 'text');
    if (data.kind !== 'text') throw new Error('expected text');
    expect(data.documents[0].startsWith('One day, a little girl named Lily found a needle in her room.')).toBe(true);
    const windows = data.tokenWindows(tok, { contextLength: 64, maxTokens: 64 * 100 });
    expect(windows.length).toBe(100);
    expect(windows.every((w) => w.length === 64 && w[0] === 1)).toBe(true);
    expect(tok.decode(windows[0].slice(1))).toBe('One day, a little girl named Lily found a needle in her room. S'); // 63 bytes
  });
});
