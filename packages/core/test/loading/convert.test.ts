import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedFixture } from '../../src/fixtures/shared.js';
import { convertLlama2cToHf } from '../../src/loading/convert.js';
import { readLlama2c } from '../../src/loading/llama2c.js';
import { loadWeights } from '../../src/loading/load-weights.js';
import { halfToInterleaved } from '../../src/loading/rotary-permute.js';
import { readSafetensors } from '../../src/loading/safetensors.js';
import { Llama2cTokenizer } from '../../src/tokenizer/llama2c-tokenizer.js';
import { tempDir } from './helpers.js';

const ckpt = sharedFixture('models/stories260K/stories260K.bin');
const tok = sharedFixture('models/stories260K/tok512.bin');
const tok105 = sharedFixture('models/babyllama-tok105/tok105.bin');

describe.skipIf(!ckpt.path || !tok.path || !tok105.path)(`convertLlama2cToHf (stories260K) ${ckpt.reason || tok.reason || tok105.reason}`, () => {
  const dir = tempDir();
  const out = join(dir, 'stories260K-hf');

  it('writes an HF Llama folder', async () => {
    const { files } = await convertLlama2cToHf(ckpt.path!, tok.path!, out);
    expect(files.map((f) => f.split('/').pop()).sort()).toEqual(['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(cfg).toMatchObject({ model_type: 'llama', hidden_size: 64, intermediate_size: 172, num_attention_heads: 8, num_key_value_heads: 4, num_hidden_layers: 5, vocab_size: 512, max_position_embeddings: 512, rms_norm_eps: 1e-5, rope_theta: 10000, tie_word_embeddings: true });
  });

  it('permutes q/k rows exactly as HF convert_llama_weights_to_hf.py `permute` does', async () => {
    // permute(w, n_heads) = w.view(n_heads, dim1 / n_heads / 2, 2, dim2).transpose(1, 2).reshape(dim1, dim2):
    // new row h*dh + p*dh/2 + i takes old row h*dh + 2i + p. Applied here to the raw llama2.c matrices.
    const raw = readFileSync(ckpt.path!);
    const f = (i: number) => raw.readFloatLE(28 + 4 * i);
    const [dim, , L, H, K, V] = [64, 172, 5, 8, 4, 512];
    const dh = dim / H;
    const { tensors } = await readSafetensors(join(out, 'model.safetensors'));
    const wqStart = V * dim + L * dim;
    const wkStart = wqStart + L * dim * dim;
    for (let l = 0; l < L; l++) {
      for (const [name, start, heads] of [['q_proj', wqStart + l * dim * dim, H], ['k_proj', wkStart + l * K * dh * dim, K]] as const) {
        const hf = tensors.get(`model.layers.${l}.self_attn.${name}.weight`)!;
        expect(hf.shape).toEqual([heads * dh, dim]);
        for (let h = 0; h < heads; h++) for (let p = 0; p < 2; p++) for (let i = 0; i < dh / 2; i++) for (let c = 0; c < dim; c++) {
          const newRow = h * dh + p * (dh / 2) + i;
          const oldRow = h * dh + 2 * i + p;
          if (hf.data[newRow * dim + c] !== f(start + oldRow * dim + c)) throw new Error(`layer ${l} ${name} row ${newRow} col ${c} differs`);
        }
      }
    }
    expect(tensors.has('lm_head.weight')).toBe(false); // tied
  });

  it('loads back through the HF path; un-permuting q/k gives the original weights exactly', async () => {
    const original = await readLlama2c(ckpt.path!);
    const hf = await loadWeights(out);
    expect(hf.config.rotaryStyle).toBe('half');
    expect({ ...hf.config, rotaryStyle: 'interleaved', name: undefined }).toEqual({ ...original.config, name: undefined });
    for (const [name, t] of original.weights) {
      let back = hf.weights.get(name)!;
      if (/attn\.W_[QK]$/.test(name)) {
        expect([...back.data], `${name} is permuted`).not.toEqual([...t.data]);
        back = halfToInterleaved(back);
      }
      expect(back.shape, name).toEqual(t.shape);
      expect([...back.data], name).toEqual([...t.data]);
    }
    // the tokenizer.json in the folder tokenizes like the llama2.c tokenizer
    const ref = await Llama2cTokenizer.fromFile(tok.path!);
    for (const text of ['Once upon a time, there was a little girl named Lily.', 'Tim said, "Wow!" 3 cats… naïve café 😀\nNew line.']) {
      expect(hf.tokenizer!.encode(text)).toEqual(ref.encode(text));
    }
    expect(hf.tokenizer!.bosTokenId).toBe(1);
    expect(hf.tokenizer!.eosTokenId).toBe(2);
  });

  it('rejects a tokenizer whose vocabulary does not match the model', async () => {
    await expect(convertLlama2cToHf(ckpt.path!, tok105.path!, join(dir, 'bad'))).rejects.toThrow(/has 105 tokens but the model's vocabulary has 512/);
  });
});
