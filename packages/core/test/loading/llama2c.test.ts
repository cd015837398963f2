import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedFixture } from '../../src/fixtures/shared.js';
import { readLlama2c } from '../../src/loading/llama2c.js';
import { tempDir } from './helpers.js';

/** Headers as quoted in each model's shared/ SOURCE.txt. */
const MODELS = [
  { file: 'models/stories260K/stories260K.bin', header: [64, 172, 5, 8, 4, 512, 512] },
  { file: 'models/tinystories-500it/model.bin', header: [64, 192, 5, 8, 4, 512, 256] },
  { file: 'models/babyllama-tok105/model5000.bin', header: [128, 352, 5, 8, 4, 105, 256] },
  { file: 'models/babyllama-tok361/model5000.bin', header: [128, 352, 5, 8, 4, 361, 256] },
];

describe('llama2.c checkpoints in shared/', () => {
  for (const m of MODELS) {
    const fx = sharedFixture(m.file);
    it.skipIf(!fx.path)(`parses ${m.file} ${fx.reason}`, async () => {
      const [dim, hidden, layers, heads, kv, vocab, seq] = m.header;
      const { config, weights } = await readLlama2c(fx.path!);
      expect(config).toMatchObject({
        architecture: 'llama', dModel: dim, dMlp: hidden, nLayers: layers, nHeads: heads, nKvHeads: kv, dVocab: vocab, nCtx: seq,
        dHead: dim / heads, normType: 'rmsnorm', normEps: 1e-5, act: 'silu', gatedMlp: true, rotaryStyle: 'interleaved',
        rotaryBase: 10000, rotaryDim: dim / heads, tiedEmbeddings: true, bosTokenId: 1, eosTokenId: 2,
      });
      // Independent offsets: read raw floats straight from the file with run.c's pointer arithmetic.
      const raw = readFileSync(fx.path!);
      const f = (i: number): number => raw.readFloatLE(28 + 4 * i);
      const dh = dim / heads;
      const kvDim = kv * dh;
      const base = {
        emb: 0,
        rmsAtt: vocab * dim,
        wq: vocab * dim + layers * dim,
      };
      const wk = base.wq + layers * dim * dim;
      const wv = wk + layers * kvDim * dim;
      const wo = wv + layers * kvDim * dim;
      const rmsFfn = wo + layers * dim * dim;
      const w1 = rmsFfn + layers * dim;
      const w2 = w1 + layers * dim * hidden;
      const w3 = w2 + layers * dim * hidden;
      const rmsFinal = w3 + layers * dim * hidden;
      const l = layers - 1;
      const get = (n: string) => weights.get(n)!;
      for (const [tok, i] of [[0, 0], [vocab - 1, dim - 1], [7, 5]]) {
        expect(get('embed.W_E').data[tok * dim + i]).toBe(f(tok * dim + i));
        expect(get('unembed.W_U').data[i * vocab + tok]).toBe(f(tok * dim + i)); // tied: W_U = W_E^T
      }
      // W_Q[h, i, k] = wq[l][h*dh + k][i]  (run.c: q[r] = sum_i wq[r*dim + i] x[i])
      for (const [h, i, k] of [[0, 0, 0], [heads - 1, dim - 1, dh - 1], [3, 10, 2]]) {
        expect(get(`blocks.${l}.attn.W_Q`).data[(h * dim + i) * dh + k]).toBe(f(base.wq + l * dim * dim + (h * dh + k) * dim + i));
        expect(get(`blocks.${l}.attn.W_O`).data[(h * dh + k) * dim + i]).toBe(f(wo + l * dim * dim + i * dim + h * dh + k));
      }
      for (const [h, i, k] of [[0, 1, 2], [kv - 1, dim - 1, dh - 1]]) {
        expect(get(`blocks.${l}.attn.W_K`).data[(h * dim + i) * dh + k]).toBe(f(wk + l * kvDim * dim + (h * dh + k) * dim + i));
        expect(get(`blocks.${l}.attn.W_V`).data[(h * dim + i) * dh + k]).toBe(f(wv + l * kvDim * dim + (h * dh + k) * dim + i));
      }
      for (const [i, j] of [[0, 0], [dim - 1, hidden - 1], [5, 17]]) {
        expect(get(`blocks.${l}.mlp.W_gate`).data[i * hidden + j]).toBe(f(w1 + l * dim * hidden + j * dim + i));
        expect(get(`blocks.${l}.mlp.W_in`).data[i * hidden + j]).toBe(f(w3 + l * dim * hidden + j * dim + i));
        expect(get(`blocks.${l}.mlp.W_out`).data[j * dim + i]).toBe(f(w2 + l * dim * hidden + i * hidden + j));
      }
      expect(get(`blocks.${l}.ln1.w`).data[3]).toBe(f(base.rmsAtt + l * dim + 3));
      expect(get(`blocks.${l}.ln2.w`).data[3]).toBe(f(rmsFfn + l * dim + 3));
      expect(get('ln_final.w').data[dim - 1]).toBe(f(rmsFinal + dim - 1));
    });
  }
});

/** A tiny llama2.c file: header, then `count` floats 0, 1, 2, ... */
function tinyCheckpoint(header: number[], floats: number): Uint8Array {
  const b = Buffer.alloc(28 + 4 * floats);
  header.forEach((v, i) => b.writeInt32LE(v, i * 4));
  for (let i = 0; i < floats; i++) b.writeFloatLE(i, 28 + 4 * i);
  return b;
}

describe('llama2.c file checks', () => {
  const dir = tempDir();
  // dim 4, hidden 6, 1 layer, 2 heads, 1 kv head, vocab 5, seq 3: head 2, kvDim 2
  // floats: emb 20 + rms 4 + wq 16 + wk 8 + wv 8 + wo 16 + rms 4 + w1 24 + w2 24 + w3 24 + final 4 + rope 3*2 = 158
  const header = [4, 6, 1, 2, 1, 5, 3];
  const write = (name: string, bytes: Uint8Array): string => {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };

  it('reads a crafted file with an unshared classifier (negative vocab_size)', async () => {
    const p = write('unshared.bin', tinyCheckpoint([4, 6, 1, 2, 1, -5, 3], 158 + 20));
    const { config, weights } = await readLlama2c(p);
    expect(config.tiedEmbeddings).toBe(false);
    // the classifier follows the RoPE tables: floats 158..177, [vocab 5, dim 4]; W_U[i, v] = cls[v, i]
    expect(weights.get('unembed.W_U')!.data[0 * 5 + 1]).toBe(158 + 1 * 4 + 0);
    expect(weights.get('unembed.W_U')!.data[3 * 5 + 4]).toBe(158 + 4 * 4 + 3);
    expect(weights.get('ln_final.w')!.data[0]).toBe(148);
  });
  it('reports truncation with the sizes', async () => {
    const p = write('short.bin', tinyCheckpoint(header, 150));
    await expect(readLlama2c(p)).rejects.toThrow(/is truncated: the header implies 660 bytes but the file has 628/);
  });
  it('reports trailing garbage', async () => {
    const p = write('long.bin', tinyCheckpoint(header, 160));
    await expect(readLlama2c(p)).rejects.toThrow(/has 8 bytes more than the 660 its header implies/);
  });
  it('rejects an implausible header', async () => {
    const p = write('garbage.bin', tinyCheckpoint([4, 6, 1, 3, 1, 5, 3], 158));
    await expect(readLlama2c(p)).rejects.toThrow(/implausible header.*dim 4 is not a multiple of n_heads 3/);
    const q = write('zero.bin', tinyCheckpoint([0, 6, 1, 2, 1, 5, 3], 10));
    await expect(readLlama2c(q)).rejects.toThrow(/dim must be positive/);
  });
  it('rejects a file smaller than the header', async () => {
    const p = write('tiny.bin', new Uint8Array(10));
    await expect(readLlama2c(p)).rejects.toThrow(/fewer than the 28-byte header/);
  });
  it('recognises the versioned export and pickle files', async () => {
    const v1 = Buffer.alloc(256);
    v1.writeUInt32LE(0x616b3432, 0);
    await expect(readLlama2c(write('v1.bin', v1))).rejects.toThrow(/versioned export.*--version 0/);
    const zip = Buffer.alloc(64);
    zip.write('PK\x03\x04', 0, 'latin1');
    await expect(readLlama2c(write('pytorch_model.bin', zip))).rejects.toThrow(/PyTorch pickle.*never loads pickle/);
  });
});
