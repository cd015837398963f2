/**
 * Issue 22, loaders: every case found by fuzzing is rejected at load with a message naming the file,
 * the part and the fix (or, for non-finite weights when asked, loaded with a loud warning).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findNonFinite, nonFiniteOutputMessage } from '../../src/loading/finite-check.js';
import { hfConfigToModelConfig, modelConfigToHfGpt2 } from '../../src/loading/hf-config.js';
import { writeHfGpt2Folder } from '../../src/loading/hf-gpt2-writer.js';
import { LLAMA2C_HEADER_BYTES, llama2cFloatCount, parseLlama2c, type Llama2cHeader } from '../../src/loading/llama2c.js';
import { loadWeights } from '../../src/loading/load-weights.js';
import { checkedElementCount, readSafetensors, writeSafetensors } from '../../src/loading/safetensors.js';
import { defaultConfig } from '../../src/model/config.js';
import { randomWeights } from '../../src/model/random-model.js';
import { checkTokenizerJson } from '../../src/tokenizer/tokenizer-json-check.js';
import { HfTokenizer } from '../../src/tokenizer/hf-tokenizer.js';
import { rawSafetensors, tempDir } from './helpers.js';
import { reloadSettings } from '../../src/settings.js';

const root = tempDir('marr-hardening-');
let folderCount = 0;
const cfg = defaultConfig('gpt2', { nLayers: 1, dModel: 16, nHeads: 2, dMlp: 32, dVocab: 300, nCtx: 16 });

async function gpt2Folder(): Promise<string> {
  const dir = join(root, `gpt2-${folderCount++}`);
  await writeHfGpt2Folder(cfg, randomWeights(cfg, 7), dir);
  return dir;
}

/** A byte-level-free BPE tokenizer.json with `n` single-character tokens. */
function tokenizerJson(n: number): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  for (let i = 0; i < n; i++) vocab[String.fromCodePoint(0x4e00 + i)] = i;
  return { version: '1.0', model: { type: 'BPE', vocab, merges: [] }, added_tokens: [], normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null };
}

describe('non-finite weights', () => {
  it('a NaN in a safetensors tensor is rejected at load naming the tensor; asked for, it loads with a loud warning', async () => {
    const dir = await gpt2Folder();
    const file = join(dir, 'model.safetensors');
    const { tensors } = await readSafetensors(file);
    const name = [...tensors.keys()].find((k) => k.includes('h.0.attn.c_attn.weight'))!;
    (tensors.get(name)!.data as Float32Array)[5] = Number.NaN;
    await writeSafetensors(file, tensors);
    await expect(loadWeights(dir)).rejects.toThrow(/weight blocks\.0\.attn\.W_[QKV] holds NaN or infinite values: 1 of \d+ values are not finite.*nonFiniteWeights: 'warn' \(from the command line: MARR_NON_FINITE_WEIGHTS=warn\)/);
    const warnings: string[] = [];
    const loaded = await loadWeights(dir, { nonFiniteWeights: 'warn', onWarning: (m) => warnings.push(m) });
    expect(loaded.weights.size).toBeGreaterThan(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^WARNING: .*weight blocks\.0\.attn\.W_[QKV] holds NaN/);
    // The command-line opt-in.
    process.env.MARR_NON_FINITE_WEIGHTS = 'warn';
    reloadSettings();
    try {
      const viaEnv: string[] = [];
      await loadWeights(dir, { onWarning: (m) => viaEnv.push(m) });
      expect(viaEnv).toHaveLength(1);
    } finally {
      delete process.env.MARR_NON_FINITE_WEIGHTS;
      reloadSettings();
    }
  });

  it('an infinity in a llama2.c checkpoint is rejected naming the tensor', async () => {
    const h: Llama2cHeader = { dim: 8, hiddenDim: 16, nLayers: 1, nHeads: 2, nKvHeads: 2, vocabSize: 10, sharedClassifier: true, seqLen: 4 };
    const floats = new Float32Array(llama2cFloatCount(h)).fill(0.01);
    floats[3] = Number.POSITIVE_INFINITY; // inside the token embedding
    const bytes = new Uint8Array(LLAMA2C_HEADER_BYTES + floats.byteLength);
    const view = new DataView(bytes.buffer);
    [8, 16, 1, 2, 2, 10, 4].forEach((v, i) => view.setInt32(i * 4, v, true));
    bytes.set(new Uint8Array(floats.buffer), LLAMA2C_HEADER_BYTES);
    const path = join(root, 'inf.bin');
    writeFileSync(path, bytes);
    expect(() => parseLlama2c(path, bytes)).not.toThrow(); // the parser reads it; the loader checks it
    await expect(loadWeights(path)).rejects.toThrow(/weight embed\.W_E holds NaN or infinite values: 1 of 80 values are not finite \(the first, at flat index 3, is Infinity\)/);
  });

  it('finds the first non-finite value and names output coordinates', () => {
    expect(findNonFinite(Float32Array.of(1, 2, 3))).toBeNull();
    expect(findNonFinite([0, Number.NaN, Number.NEGATIVE_INFINITY])).toEqual({ index: 1, value: Number.NaN, count: 2 });
    expect(nonFiniteOutputMessage('logits', Float32Array.of(0, 0, 0, Number.NaN), [2, 2])).toMatch(/non-finite logits: 1 of 4 values are NaN or infinite \(the first at \[1, 1\] is NaN\)/);
    expect(nonFiniteOutputMessage('logits', Float32Array.of(0, 1))).toBeNull();
  });
});

describe('config numbers', () => {
  const llama = {
    model_type: 'llama', hidden_size: 16, intermediate_size: 32, num_attention_heads: 2, num_key_value_heads: 2,
    num_hidden_layers: 1, vocab_size: 300, max_position_embeddings: 16, rms_norm_eps: 1e-5, rope_theta: 10000,
  };
  it.each([
    [{ rope_theta: 0 }, /"rope_theta" must be a finite number > 0/],
    [{ rope_theta: -10000 }, /"rope_theta" must be a finite number > 0/],
    [{ rope_theta: JSON.parse('1e309') as number }, /"rope_theta" must be a number/],
    [{ rope_parameters: { rope_theta: 0 } }, /"rope_parameters\.rope_theta" must be a finite number > 0/],
    [{ rms_norm_eps: 0 }, /"rms_norm_eps" must be > 0/],
    [{ rms_norm_eps: -1e-5 }, /"rms_norm_eps" must be > 0/],
    [{ hidden_size: 15 }, /"hidden_size" \(15\) must be a multiple of "num_attention_heads" \(2\)/],
    [{ num_key_value_heads: 3 }, /nHeads \(2\) must be a multiple of nKvHeads \(3\)/],
    [{ num_hidden_layers: 0 }, /nLayers must be a positive integer/],
    [{ bos_token_id: 300 }, /bosTokenId 300 is outside the vocabulary 0\.\.299/],
  ])('llama %j is rejected', (change, message) => {
    expect(() => hfConfigToModelConfig({ ...llama, ...change }, 'cfg.json')).toThrow(message);
  });
  it('gpt2 eps 0 and n_embd not divisible are rejected naming the field', () => {
    const gpt2 = modelConfigToHfGpt2(cfg);
    expect(() => hfConfigToModelConfig({ ...gpt2, layer_norm_epsilon: 0 }, 'cfg.json')).toThrow(/"layer_norm_epsilon" must be > 0/);
    expect(() => hfConfigToModelConfig({ ...gpt2, n_embd: 17 }, 'cfg.json')).toThrow(/"n_embd" \(17\) must be a multiple of "n_head" \(2\)/);
  });
  it.each(['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'])('model_type %s is not a supported model type', (mt) => {
    expect(() => hfConfigToModelConfig({ ...llama, model_type: mt }, 'cfg.json')).toThrow(/unsupported model \(model_type "/);
  });
});

describe('safetensors header lookups and arithmetic', () => {
  it.each(['__proto__', 'constructor', 'valueOf', 'toString'])('dtype %s is rejected', async (dtype) => {
    const path = join(root, `dtype-${dtype}.safetensors`);
    writeFileSync(path, rawSafetensors({ x: { dtype, shape: [2], data_offsets: [0, 8] } }, new Uint8Array(8)));
    await expect(readSafetensors(path)).rejects.toThrow(/has dtype ".*"; marr reads F64, F32, F16, BF16, I64, I32/);
  });
  it('a shape whose product overflows is rejected, never "needs NaN bytes"', async () => {
    const path = join(root, 'overflow.safetensors');
    const huge = Number.MAX_SAFE_INTEGER;
    writeFileSync(path, rawSafetensors({ x: { dtype: 'F32', shape: [huge, huge, huge, 0], data_offsets: [0, 0] } }, new Uint8Array(0)));
    await expect(readSafetensors(path)).rejects.toThrow(/more elements than marr's limit/);
    expect(checkedElementCount([3, 4, 5], 100)).toBe(60);
    expect(checkedElementCount([3, 0, 5], 100)).toBe(0);
    expect(checkedElementCount([2 ** 30, 2 ** 30], 2 ** 31)).toBeNull();
  });
});

describe('tokenizer.json', () => {
  it('a huge id in model.vocab or added_tokens is rejected against the model vocabulary before anything is built', async () => {
    const withHugeVocabId = tokenizerJson(5);
    (withHugeVocabId.model as { vocab: Record<string, number> }).vocab.big = 1e9;
    const started = Date.now();
    await expect(HfTokenizer.fromJson(withHugeVocabId, {}, { source: 't.json', maxVocabSize: 300 })).rejects.toThrow(
      /t\.json: "model\.vocab"\["big"\] is the token id 1000000000; expected an id below the model's vocabulary size 300/,
    );
    const withHugeAdded = { ...tokenizerJson(5), added_tokens: [{ id: 2 ** 31 - 1, content: '<x>', special: true }] };
    await expect(HfTokenizer.fromJson(withHugeAdded, {}, { source: 't.json' })).rejects.toThrow(/"added_tokens"\[0\]\.id is the token id 2147483647; expected an id below 16777216/);
    expect(Date.now() - started).toBeLessThan(5000); // no per-id allocation happened (not a timing test: a hang would take minutes)
  });

  it.each([
    [[], /"model\.vocab" is an array of 0; expected a non-empty/],
    ['x', /"model\.vocab" is the string "x"; expected a non-empty object mapping each token string to its id/],
    [42, /"model\.vocab" is number 42; expected a non-empty object/],
  ])('vocab %j is not a vocabulary', (vocab, message) => {
    expect(() => checkTokenizerJson({ model: { type: 'BPE', vocab, merges: [] } }, 't.json')).toThrow(message);
  });

  it.each([
    [{ model: null }, /"model" is null; expected an object with "type"/],
    [{ model: { type: 'Magic', vocab: { a: 0 } } }, /"model\.type" is the string "Magic"; expected one of BPE, WordPiece, Unigram/],
    [{ model: { type: 'BPE', vocab: { a: 0 }, merges: 'a b' } }, /"model\.merges" is the string "a b"; expected an array of merges/],
    [{ model: { type: 'BPE', vocab: { a: 0 }, merges: [7] } }, /"model\.merges"\[0\] is number 7; expected a merge/],
    [{ model: { type: 'BPE', vocab: { a: -1 } } }, /"model\.vocab"\["a"\] is number -1; expected a token id/],
    [{ model: { type: 'Unigram', vocab: [['a', -1], 'b'] } }, /"model\.vocab"\[1\] is the string "b"; expected a \[piece, score\] pair/],
    [{ ...tokenizerJson(3), decoder: {} }, /"decoder\.type" is missing; expected one of ByteLevel/],
    [{ ...tokenizerJson(3), normalizer: 'NFC' }, /"normalizer" is the string "NFC"; expected null or an object with "type"/],
    [{ ...tokenizerJson(3), pre_tokenizer: { type: 'Sequence' } }, /"pre_tokenizer\.pretokenizers" is missing; expected an array of pre_tokenizer objects/],
    [{ ...tokenizerJson(3), added_tokens: {} }, /"added_tokens" is an object; expected an array/],
    [{ ...tokenizerJson(3), added_tokens: [{ id: 1 }] }, /"added_tokens"\[0\]\.content is missing; expected the token string/],
  ])('malformed part %#', (json, message) => {
    expect(() => checkTokenizerJson(json, 't.json')).toThrow(message);
  });

  it('a deeply nested Sequence is refused instead of overflowing the stack', () => {
    let decoder: Record<string, unknown> = { type: 'Fuse' };
    for (let i = 0; i < 100_000; i++) decoder = { type: 'Sequence', decoders: [decoder] };
    expect(() => checkTokenizerJson({ ...tokenizerJson(3), decoder }, 't.json')).toThrow(/"decoder" nests Sequence more than 16 levels deep; expected at most 16 levels/);
  });

  it('a well-formed file passes and builds', async () => {
    expect(checkTokenizerJson(tokenizerJson(300), 't.json', { maxVocabSize: 300 })).toBe(300);
    const tok = await HfTokenizer.fromJson(tokenizerJson(300), {}, { maxVocabSize: 300 });
    expect(tok.vocabSize).toBe(300);
  });

  it('a tokenizer far smaller than the model, or one with ids beyond it, is rejected at load naming the file', async () => {
    const small = await gpt2Folder();
    writeFileSync(join(small, 'tokenizer.json'), JSON.stringify(tokenizerJson(5)));
    await expect(loadWeights(small)).rejects.toThrow(/tokenizer\.json: the tokenizer has only 5 tokens but the model's vocabulary has 300.*pass the right one with --tokenizer/);
    const beyond = await gpt2Folder();
    const json = tokenizerJson(5);
    (json.model as { vocab: Record<string, number> }).vocab.z = 5000;
    writeFileSync(join(beyond, 'tokenizer.json'), JSON.stringify(json));
    await expect(loadWeights(beyond)).rejects.toThrow(/tokenizer\.json: "model\.vocab"\["z"\] is the token id 5000; expected an id below the model's vocabulary size 300/);
    const padded = await gpt2Folder();
    writeFileSync(join(padded, 'tokenizer.json'), JSON.stringify(tokenizerJson(250))); // 50 padding rows: accepted
    expect((await loadWeights(padded)).tokenizer!.vocabSize).toBe(250);
  });
});
