/**
 * The independent cross-check of the llama2.c tokenizer: the same vocabulary exported as an HF
 * tokenizer.json and run by @huggingface/transformers' tokenizer implementation must give the same ids.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedFixture } from '../../src/fixtures/shared.js';
import { HfTokenizer } from '../../src/tokenizer/hf-tokenizer.js';
import { llama2cToTokenizerJson, llama2cTokenizerConfig } from '../../src/tokenizer/llama2c-to-tokenizer-json.js';
import { readLlama2cVocab } from '../../src/tokenizer/llama2c-tokenizer-file.js';
import { Llama2cTokenizer } from '../../src/tokenizer/llama2c-tokenizer.js';

const tok512 = sharedFixture('models/stories260K/tok512.bin');
const tok361 = sharedFixture('models/babyllama-tok361/tok361.bin');
const cased = sharedFixture('data/tinystories/tinystories_cased_197k.txt');
const lower = sharedFixture('data/tinystories/tinystories_lowercase_4m.txt');

/** 3000 non-empty lines: all of the cased sample, then lowercase lines. */
function sampleLines(): string[] {
  const a = readFileSync(cased.path!, 'utf8').split('\n').filter((l) => l.length > 0);
  const b = readFileSync(lower.path!, 'utf8').slice(0, 2_000_000).split('\n').filter((l) => l.length > 0);
  return [...a, ...b].slice(0, 3000);
}

describe.skipIf(!tok512.path || !tok361.path || !cased.path || !lower.path)(
  `HF tokenizer.json from llama2.c vocabularies ${tok512.reason || tok361.reason || cased.reason || lower.reason}`,
  () => {
    for (const fx of [tok512, tok361]) {
      it(`gives the same ids as the llama2.c tokenizer on 3000 TinyStories lines (${fx.path?.split('/').pop()})`, async () => {
        const vocab = await readLlama2cVocab(fx.path!);
        const ref = new Llama2cTokenizer(vocab);
        const hf = await HfTokenizer.fromJson(llama2cToTokenizerJson(vocab), llama2cTokenizerConfig(512));
        expect(hf.addsBosByDefault).toBe(true);
        expect([hf.bosTokenId, hf.eosTokenId, hf.vocabSize]).toEqual([1, 2, ref.vocabSize]);
        const lines = sampleLines();
        expect(lines).toHaveLength(3000);
        const mismatches: string[] = [];
        for (const line of [...lines, 'naïve café – “quotes” ✓ 😀 𝄞', '  two  spaces ', 'tabs\there']) {
          const ids = ref.encode(line);
          if (hf.encode(line).join() !== ids.join()) mismatches.push(line);
          else if (hf.decode(ids) !== ref.decode(ids)) mismatches.push(`decode: ${line}`);
        }
        expect(mismatches).toEqual([]);
      });
    }

    it('loads from a folder and respects addBos', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'marr-hftok-'));
      afterAll(() => rmSync(dir, { recursive: true, force: true }));
      const vocab = await readLlama2cVocab(tok512.path!);
      const json = llama2cToTokenizerJson(vocab);
      writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(json));
      const t = await HfTokenizer.fromFolder(dir);
      expect(t.encode('Once upon a time')[0]).toBe(1);
      expect(t.encode('Once upon a time', { addBos: false })[0]).not.toBe(1);
      expect(t.tokenString(1)).toBe('<s>');
      expect(t.decode([])).toBe('');
      expect(() => t.decode([9999])).toThrow(/outside the vocabulary/);
      // without the BOS template and without add_bos_token, BOS is not added by default
      const noTemplate = await HfTokenizer.fromJson({ ...json, post_processor: null }, {});
      expect(noTemplate.addsBosByDefault).toBe(false);
      expect(noTemplate.encode('Once')[0]).not.toBe(1);
      await expect(HfTokenizer.fromFolder(join(dir, 'nowhere'))).rejects.toThrow(/has no tokenizer.json/);
    });
  },
);
