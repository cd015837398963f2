// Every activation of a trained GPT-2-architecture model (minGPT "gpt-nano" sorting model) against the
// reference PyTorch activations recorded by its authors, loaded from its JSON and from an HF GPT-2 folder.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, sharedFixture, transpose, tensor, type Float32Tensor, type HookedTransformer } from '../../src/index.js';
import { readMinGptJson } from '../../src/loading/mingpt-json.js';
import { writeHfGpt2Folder } from '../../src/loading/hf-gpt2-writer.js';

const dir = sharedFixture('models/gpt-nano-sort');

interface Partial {
  shape: number[];
  data: string;
}

function decode(p: Partial): Float32Tensor {
  const buf = Buffer.from(p.data, 'base64');
  return tensor(p.shape, new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)));
}

/** max |a - b| / max |b| over entries where the reference is finite. */
function relErr(a: Float32Tensor, b: Float32Tensor): number {
  expect(a.data.length).toBe(b.data.length);
  let num = 0, den = 0;
  for (let i = 0; i < b.data.length; i++) {
    if (!Number.isFinite(b.data[i])) continue;
    num = Math.max(num, Math.abs(a.data[i] - b.data[i]));
    den = Math.max(den, Math.abs(b.data[i]));
  }
  return num / den;
}

describe.skipIf(!dir.path)(`gpt-nano-sort reference activations ${dir.reason}`, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'marr-gpt-nano-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  async function check(model: HookedTransformer): Promise<void> {
    const ref = JSON.parse(readFileSync(join(dir.path!, 'gpt-nano-sort-t0-partials.json'), 'utf8')) as Record<string, Partial>;
    const r = (k: string) => decode(ref[k]);
    const idx = r('idx');
    const B = idx.shape[0], T = idx.shape[1];
    const tokens = Array.from({ length: B }, (_, b) => Array.from(idx.data.subarray(b * T, (b + 1) * T), Math.round));
    const out = await model.runWithCache(tokens);
    const c = (n: string) => out.cache.get(n);
    const heads = (t: Float32Tensor) => transpose(t, [0, 2, 1, 3]); // [B,T,H,dh] -> [B,H,T,dh]
    const pos = c('hook_pos_embed');
    const pairs: [string, Float32Tensor, Float32Tensor][] = [
      ['tok_emb', c('hook_embed'), r('tok_emb')],
      ['pos_emb', tensor([1, T, pos.shape[2]], pos.data.subarray(0, T * pos.shape[2])), r('pos_emb')],
      ['x', c('blocks.0.hook_resid_pre'), r('x')],
      ['ln1', c('blocks.0.ln1.hook_normalized'), r('ln1')],
      ['q', heads(c('blocks.0.attn.hook_q')), r('q')],
      ['k', heads(c('blocks.0.attn.hook_k')), r('k')],
      ['v', heads(c('blocks.0.attn.hook_v')), r('v')],
      ['att', c('blocks.0.attn.hook_attn_scores'), r('att')],
      ['attSm', c('blocks.0.attn.hook_pattern'), r('attSm')],
      ['y', c('blocks.0.attn.hook_z'), r('y')],
      ['yProj', c('blocks.0.hook_attn_out'), r('yProj')],
      ['attnResid', c('blocks.0.hook_resid_mid'), r('attnResid')],
      ['ln2', c('blocks.0.ln2.hook_normalized'), r('ln2')],
      ['fc', c('blocks.0.mlp.hook_pre'), r('fc')],
      ['gelu', c('blocks.0.mlp.hook_post'), r('gelu')],
      ['mlp', c('blocks.0.hook_mlp_out'), r('mlp')],
      ['mlpResid', c('blocks.0.hook_resid_post'), r('mlpResid')],
      ['block0', c('blocks.0.hook_resid_post'), r('block0')],
      ['block1', c('blocks.1.hook_resid_post'), r('block1')],
      ['block2', c('blocks.2.hook_resid_post'), r('block2')],
      ['ln_f', c('ln_final.hook_normalized'), r('ln_f')],
      ['lm_head', out.logits!, r('lm_head')],
    ];
    for (const [name, ours, theirs] of pairs) expect(relErr(ours, theirs), name).toBeLessThanOrEqual(1e-5);
    // Masked scores: the reference uses -inf, marr float32's lowest (so padded rows never produce NaN).
    const att = c('blocks.0.attn.hook_attn_scores');
    r('att').data.forEach((v, i) => {
      if (v === -Infinity) expect(att.data[i]).toBeLessThan(-1e38);
    });
  }

  it('from its minGPT JSON state dict', async () => {
    const model = await loadModel(join(dir.path!, 'gpt-nano-sort-model.json'));
    await check(model);
    await model.dispose();
  });

  it('after conversion to a Hugging Face GPT-2 folder', async () => {
    const m = await readMinGptJson(join(dir.path!, 'gpt-nano-sort-model.json'));
    await writeHfGpt2Folder(m.config, m.weights, tmp);
    const model = await loadModel(tmp);
    expect(model.config.architecture).toBe('gpt2');
    await check(model);
    await model.dispose();
  });

  it('on the reference backend too', async () => {
    const model = await loadModel(join(dir.path!, 'gpt-nano-sort-model.json'), { backend: 'reference' });
    await check(model);
  });
});
