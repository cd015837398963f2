/**
 * SAEs written by an independent writer (test/reference/write-saelens-folder.py: numpy, the safetensors
 * bytes assembled by hand, the expected outputs from SAELens's formulas in float64) load in marr and give
 * the same encode / decode. The folders are committed under test/fixtures/saelens; when python3 and
 * numpy are present the script is also re-run here and its fresh output checked the same way.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensorsHeader, tensor } from '@marr/core';
import { loadSae, saveSae } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, 'fixtures', 'saelens');
const temps: string[] = [];
afterAll(async () => { for (const t of temps) await rm(t, { recursive: true, force: true }); });
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'marr-sae-'));
  temps.push(d);
  return d;
}

interface Expected { x: number[][]; latents: number[][]; reconstruction: number[][] }

function expectClose(got: Float32Array, want: number[][], tol: number, what: string): void {
  const flat = want.flat();
  expect(got.length, what).toBe(flat.length);
  let worst = 0;
  for (let i = 0; i < flat.length; i++) worst = Math.max(worst, Math.abs(got[i] - flat[i]) / (1 + Math.abs(flat[i])));
  expect(worst, what).toBeLessThan(tol);
}

async function checkFolder(folder: string): Promise<void> {
  const exp = JSON.parse(await readFile(join(folder, 'expected.json'), 'utf8')) as Expected;
  const sae = await loadSae(folder);
  const x = tensor([exp.x.length, exp.x[0].length], exp.x.flat());
  const z = await sae.encode(x);
  expect(z.shape).toEqual([exp.x.length, sae.cfg.dSae]);
  expectClose(z.data, exp.latents, 1e-5, `${folder} encode`);
  // the same nonzero pattern, exactly (the sparsity decision is discrete)
  expect(Array.from(z.data, (v) => v > 0)).toEqual(exp.latents.flat().map((v) => v > 0));
  const y = await sae.forward(x);
  expectClose(y.data, exp.reconstruction, 1e-5, `${folder} forward`);
  const y2 = await sae.decode(z, { input: x });
  expectClose(y2.data, exp.reconstruction, 1e-5, `${folder} decode`);
}

const cases = ['standard-f32', 'standard-f16-norm', 'topk-bf16', 'topk-old-layout', 'jumprelu-f32'];

describe('SAELens folders written by an independent script', () => {
  for (const c of cases) it(`${c}: encode and decode match the formulas`, () => checkFolder(join(fixtures, c)));

  it('reads the cfg fields that change the maths', async () => {
    const topk = await loadSae(join(fixtures, 'topk-bf16'));
    expect(topk.cfg).toMatchObject({ architecture: 'topk', k: 3, rescaleActsByDecoderNorm: true, dtype: 'bfloat16', hookName: 'blocks.0.hook_resid_post', dIn: 6, dSae: 10 });
    const old = await loadSae(join(fixtures, 'topk-old-layout'));
    expect(old.cfg).toMatchObject({ architecture: 'topk', k: 2, applyBDecToInput: false, normalizeActivations: 'layer_norm' });
    const jr = await loadSae(join(fixtures, 'jumprelu-f32'));
    expect(jr.weights.threshold?.shape).toEqual([10]);
  });

  it('re-running the script gives folders that check the same (needs python3 with numpy)', async (ctx) => {
    const probe = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      ctx.skip('python3 with numpy is not available; the committed fixtures were checked above');
      return;
    }
    const out = await tempDir();
    const r = spawnSync('python3', [join(here, 'reference', 'write-saelens-folder.py'), out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    for (const c of cases) await checkFolder(join(out, c));
  });
});

describe('saveSae', () => {
  it('round-trips every architecture, keeps unknown cfg fields, stores the cfg dtype', async () => {
    for (const c of cases) {
      const sae = await loadSae(join(fixtures, c));
      const out = join(await tempDir(), c);
      await saveSae(sae, out);
      const back = await loadSae(out);
      expect(back.cfg.architecture).toBe(sae.cfg.architecture);
      expect(back.cfg.k).toBe(sae.cfg.k);
      for (const name of ['W_enc', 'b_enc', 'W_dec', 'b_dec', 'threshold'] as const) {
        expect(back.weights[name]?.data, `${c} ${name}`).toEqual(sae.weights[name]?.data);
      }
      const cfg = JSON.parse(await readFile(join(out, 'cfg.json'), 'utf8'));
      expect(cfg.some_unknown_field).toEqual({ kept: [1, 2, 3] });
      expect(cfg.metadata.model_name).toBe('test');
      const header = await readSafetensorsHeader(join(out, 'sae_weights.safetensors'));
      expect(new Set(header.entries.map((e) => e.dtype))).toEqual(new Set([sae.cfg.dtype === 'float16' ? 'F16' : 'F32']));
      await checkFolder(await withExpected(out, join(fixtures, c)));
    }
  });
});

async function withExpected(folder: string, from: string): Promise<string> {
  await cp(join(from, 'expected.json'), join(folder, 'expected.json'));
  return folder;
}

describe('bad SAE folders', () => {
  it('a cfg that does not match the weights is a clear error', async () => {
    const d = join(await tempDir(), 'bad');
    await cp(join(fixtures, 'standard-f32'), d, { recursive: true });
    const cfg = JSON.parse(await readFile(join(d, 'cfg.json'), 'utf8'));
    await writeFile(join(d, 'cfg.json'), JSON.stringify({ ...cfg, d_sae: 12 }));
    await expect(loadSae(d)).rejects.toThrow(/W_enc has shape \[6, 10\] but cfg.json \(d_in=6, d_sae=12\) implies \[6, 12\]; the cfg does not match the weights/);
  });
  it('a missing file, an unknown architecture and a bad k are named', async () => {
    const d = join(await tempDir(), 'bad2');
    await cp(join(fixtures, 'topk-bf16'), d, { recursive: true });
    const cfg = JSON.parse(await readFile(join(d, 'cfg.json'), 'utf8'));
    await writeFile(join(d, 'cfg.json'), JSON.stringify({ ...cfg, k: 11 }));
    await expect(loadSae(d)).rejects.toThrow(/needs "k", an integer in \[1, d_sae=10\]/);
    await writeFile(join(d, 'cfg.json'), JSON.stringify({ ...cfg, architecture: 'gated' }));
    await expect(loadSae(d)).rejects.toThrow(/architecture "gated" is not supported/);
    await rm(join(d, 'sae_weights.safetensors'));
    await expect(loadSae(d)).rejects.toThrow(/has no sae_weights.safetensors/);
    await expect(loadSae(join(d, 'nope'))).rejects.toThrow(/is not a folder/);
    expect((await readdir(d)).sort()).toEqual(['cfg.json', 'expected.json']);
  });
  it('decode of a per-row-normalised SAE without its input says what to pass', async () => {
    const sae = await loadSae(join(fixtures, 'standard-f16-norm'));
    const z = await sae.encode(tensor([1, 6], [1, 2, 3, 4, 5, 6]));
    await expect(sae.decode(z)).rejects.toThrow(/decode\(latents, \{ input \}\)/);
  });
});
