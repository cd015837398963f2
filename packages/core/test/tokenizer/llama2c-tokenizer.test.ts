import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedFixture } from '../../src/fixtures/shared.js';
import { parseLlama2cVocab, readLlama2cVocab } from '../../src/tokenizer/llama2c-tokenizer-file.js';
import { Llama2cTokenizer } from '../../src/tokenizer/llama2c-tokenizer.js';

const tok512 = sharedFixture('models/stories260K/tok512.bin');
const tok105 = sharedFixture('models/babyllama-tok105/tok105.bin');
const tok361 = sharedFixture('models/babyllama-tok361/tok361.bin');
const stories = sharedFixture('data/tinystories/tinystories_valid_30k.txt');

/**
 * A direct transcription of run.c's encode (karpathy/llama2.c), on raw bytes, with its quadratic merge loop:
 * the independent reference for the tokenizer's heap-based merging.
 */
function runCEncode(pieces: Uint8Array[], scores: Float32Array, text: string, bos: boolean): number[] {
  const key = (b: Uint8Array | number[]) => Buffer.from(b).toString('latin1'); // one char per byte
  const pieceKeys = pieces.map(key);
  const lookup = new Map<string, number>();
  pieceKeys.forEach((k, i) => lookup.has(k) || lookup.set(k, i));
  const tokens: number[] = [];
  if (bos) tokens.push(1);
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > 0) tokens.push(lookup.get(key([0x20]))!);
  let buf: number[] = [];
  for (let c = 0; c < bytes.length; c++) {
    if ((bytes[c] & 0xc0) !== 0x80) buf = [];
    buf.push(bytes[c]);
    if (c + 1 < bytes.length && (bytes[c + 1] & 0xc0) === 0x80 && buf.length < 4) continue;
    const id = lookup.get(key(buf));
    if (id !== undefined) tokens.push(id);
    else for (const b of buf) tokens.push(b + 3);
    buf = [];
  }
  for (;;) {
    let best = -1e10, bestId = -1, bestIdx = -1;
    for (let i = 0; i < tokens.length - 1; i++) {
      const id = lookup.get(pieceKeys[tokens[i]] + pieceKeys[tokens[i + 1]]);
      if (id !== undefined && scores[id] > best) {
        best = scores[id];
        bestId = id;
        bestIdx = i;
      }
    }
    if (bestIdx === -1) break;
    tokens.splice(bestIdx, 2, bestId);
  }
  return tokens;
}

const TRICKY = ['', ' ', 'a', '  two  spaces ', '\n', 'Line one.\nLine two.\n\n', 'naïve café – “quotes” ✓ 😀 𝄞', 'ÿ€\u0000x', 'Once upon a time', ' leading space', 'x'.repeat(300)];

describe.skipIf(!tok512.path || !stories.path)(`llama2.c tokenizer (tok512) ${tok512.reason || stories.reason}`, () => {
  it('encodes exactly as run.c on stories and tricky strings', async () => {
    const vocab = await readLlama2cVocab(tok512.path!);
    const t = new Llama2cTokenizer(vocab);
    const lines = readFileSync(stories.path!, 'utf8').split('\n').slice(0, 150);
    for (const text of [...TRICKY, ...lines]) {
      expect(t.encode(text), JSON.stringify(text.slice(0, 40))).toEqual(runCEncode(vocab.pieces, vocab.scores, text, true));
    }
    expect(t.encode('', { addBos: false })).toEqual([]);
    expect(t.encode('Hi', { addBos: false, addEos: true }).at(-1)).toBe(2);
  });

  it('round-trips text through decode', async () => {
    const t = await Llama2cTokenizer.fromFile(tok512.path!, 512);
    const lines = readFileSync(stories.path!, 'utf8').split('\n');
    for (const text of [...TRICKY.filter((x) => !x.includes('\u0000')), ...lines]) {
      expect(t.decode(t.encode(text))).toBe(text);
    }
  });

  it('uses byte fallback (id = byte + 3) for unknown code points', async () => {
    const t = await Llama2cTokenizer.fromFile(tok512.path!);
    expect(t.encode('\n', { addBos: false })).toEqual([t.encode(' ', { addBos: false })[0], 0x0a + 3]);
    const emoji = t.encode('😀', { addBos: false }).slice(1);
    expect(emoji).toEqual([...Buffer.from('😀', 'utf8')].map((b) => b + 3));
    expect(t.tokenString(0x0a + 3)).toBe('<0x0A>');
    expect(t.tokenString(1)).toBe('\n<s>\n');
  });

  it('decodes like run.c: BOS/EOS dropped, the space after BOS stripped, bytes joined into UTF-8', async () => {
    const t = await Llama2cTokenizer.fromFile(tok512.path!);
    const ids = t.encode('Hello there', { addBos: false });
    expect(t.decode([1, ...ids, 2])).toBe('Hello there');
    expect(t.decode(ids)).toBe(' Hello there'); // no BOS: the dummy-prefix space stays, as in run.c
    expect(t.decode([...Buffer.from('é', 'utf8')].map((b) => b + 3))).toBe('é');
    expect(() => t.decode([512])).toThrow(/token id 512 is outside the vocabulary \(0..511\)/);
  });
});

describe('character-level vocabularies', () => {
  it.skipIf(!tok105.path)(`maps unknown characters to <unk> when there are no byte tokens ${tok105.reason}`, async () => {
    const t = await Llama2cTokenizer.fromFile(tok105.path!);
    expect(t.vocabSize).toBe(105);
    const ids = t.encode('a😀b', { addBos: false });
    expect(ids).toContain(0);
    expect(t.decode(t.encode('Once upon a time, Lily.'))).toBe('Once upon a time, Lily.');
  });
  it.skipIf(!tok361.path || !stories.path)(`tok361 (byte fallback + characters) matches run.c ${tok361.reason}`, async () => {
    const vocab = await readLlama2cVocab(tok361.path!);
    const t = new Llama2cTokenizer(vocab);
    for (const text of [...TRICKY, ...readFileSync(stories.path!, 'utf8').split('\n').slice(0, 50)]) {
      expect(t.encode(text)).toEqual(runCEncode(vocab.pieces, vocab.scores, text, true));
    }
  });
});

describe('tokenizer file errors', () => {
  const entry = (score: number, piece: string): Buffer => {
    const p = Buffer.from(piece, 'utf8');
    const b = Buffer.alloc(8 + p.length);
    b.writeFloatLE(score, 0);
    b.writeInt32LE(p.length, 4);
    p.copy(b, 8);
    return b;
  };
  const head = Buffer.alloc(4);
  head.writeInt32LE(7, 0);
  const file = Buffer.concat([head, entry(0, '<unk>'), entry(0, '\n<s>\n'), entry(0, '\n</s>\n'), entry(-1, ' ')]);
  it('parses a crafted file', () => {
    const v = parseLlama2cVocab('crafted.bin', file);
    expect(v.pieces.map((p) => Buffer.from(p).toString())).toEqual(['<unk>', '\n<s>\n', '\n</s>\n', ' ']);
  });
  it('reports truncation, bad lengths and vocabulary mismatches', () => {
    expect(() => parseLlama2cVocab('t.bin', file.subarray(0, file.length - 3))).toThrow(/t.bin: entry 3 has length 1 .*corrupt or truncated|truncated inside entry 3/);
    expect(() => parseLlama2cVocab('t.bin', file, 5)).toThrow(/has 4 tokens but the model's vocabulary has 5/);
    expect(() => parseLlama2cVocab('t.bin', file, 3)).toThrow(/bytes after the model's 3 tokens/);
    const bad = Buffer.from(file);
    bad.writeInt32LE(-100, 0);
    expect(() => parseLlama2cVocab('t.bin', bad)).toThrow(/max token length -100 is implausible/);
  });
  it('reads from disk', async () => {
    const d = mkdtempSync(join(tmpdir(), 'marr-tok-'));
    writeFileSync(join(d, 'tok4.bin'), file);
    const t = await Llama2cTokenizer.fromFile(join(d, 'tok4.bin'));
    expect(t.encode('  ')).toEqual([1, 3, 3, 3]); // no merges: " " + two spaces
    rmSync(d, { recursive: true, force: true });
  });
});
