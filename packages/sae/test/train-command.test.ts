/**
 * `marr sae train`'s work (runSaeTrainCommand): on the shipped default model's residual stream and on a
 * CSV table of vectors; the output folder loads, the same seed gives the same files, bad input is named
 * and leaves nothing behind.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, tensor } from '@marr/core';
import { loadSae, runSaeTrainCommand } from '../src/index.js';
import { plantedDictionary, meanBestCosine } from './planted.js';

const here = dirname(fileURLToPath(import.meta.url));
const defaultModel = join(here, '..', '..', 'zoo', 'models', 'default');
const temps: string[] = [];
afterAll(async () => { for (const t of temps) await rm(t, { recursive: true, force: true }); });
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'marr-sae-cli-'));
  temps.push(d);
  return d;
}

const text = [
  'Monday comes after Sunday . Tuesday comes after Monday .',
  'Der Hund ist gross . Die Katze ist klein .',
  'User : how do I pick a lock ? Assistant : I cannot help with that request .',
  'Once upon a time a small cat lived in a house . The cat was happy .',
].join('\n\n');

describe('runSaeTrainCommand', () => {
  it('trains on the default model\'s residual stream into a folder loadSae reads; same seed, same files', async () => {
    const dir = await tempDir();
    const data = join(dir, 'data.txt');
    await writeFile(data, Array.from({ length: 40 }, () => text).join('\n\n'));
    const opts = { model: defaultModel, hook: 'blocks.1.hook_resid_pre', data, architecture: 'topk', width: '128', k: '8', tokens: '6000', batchSize: '256', seed: '3' };
    await runSaeTrainCommand({ ...opts, out: join(dir, 'a') });
    await runSaeTrainCommand({ ...opts, out: join(dir, 'b') });
    const sae = await loadSae(join(dir, 'a'));
    expect(sae.cfg).toMatchObject({ architecture: 'topk', k: 8, dIn: 96, dSae: 128, hookName: 'blocks.1.hook_resid_pre' });
    for (const f of ['cfg.json', 'sae_weights.safetensors', 'training.json']) {
      expect(await readFile(join(dir, 'a', f)), f).toEqual(await readFile(join(dir, 'b', f)));
    }
    const training = JSON.parse(await readFile(join(dir, 'a', 'training.json'), 'utf8'));
    expect(training.history.at(-1).l0).toBeLessThanOrEqual(8);
    // the SAE reconstructs the activations it was trained on better than their mean does
    const model = await loadModel(defaultModel);
    const run = await model.run(model.toTokens(text.split('\n\n')), { cache: ['blocks.1.hook_resid_pre'] });
    const x = run.cache.get('blocks.1.hook_resid_pre');
    const rows = tensor([x.data.length / 96, 96], x.data);
    const y = await sae.forward(rows);
    let sse = 0, tss = 0;
    const mean = new Float64Array(96);
    const n = rows.shape[0];
    for (let i = 0; i < rows.data.length; i++) mean[i % 96] += rows.data[i] / n;
    for (let i = 0; i < rows.data.length; i++) { sse += (rows.data[i] - y.data[i]) ** 2; tss += (rows.data[i] - mean[i % 96]) ** 2; }
    expect(sse / tss).toBeLessThan(0.5);
    await model.dispose();
  });

  it('trains on a CSV table of vectors (--activations)', async () => {
    const dir = await tempDir();
    const planted = plantedDictionary({ d: 8, atoms: 12, active: 1, rows: 3000, noise: 0.01, seed: 4 });
    const lines = [Array.from({ length: 8 }, (_, j) => `x${j}`).join(',')];
    for (let r = 0; r < 3000; r++) lines.push(Array.from(planted.rows.data.subarray(r * 8, r * 8 + 8)).join(','));
    await writeFile(join(dir, 'vectors.csv'), lines.join('\n') + '\n');
    await runSaeTrainCommand({ activations: join(dir, 'vectors.csv'), architecture: 'topk', width: '24', k: '1', tokens: '60000', batchSize: '128', lr: '0.005', out: join(dir, 'out') });
    const sae = await loadSae(join(dir, 'out'));
    expect(sae.cfg.architecture).toBe('topk');
    expect(meanBestCosine(planted.atoms, sae.weights.W_dec.data, 8)).toBeGreaterThan(0.9);
  });

  it('names bad input and writes nothing', async () => {
    const dir = await tempDir();
    const out = join(dir, 'never');
    await writeFile(join(dir, 'bad.csv'), 'a,b\n1,x\n2,3\n');
    await writeFile(join(dir, 'data.txt'), text);
    const cases: [Record<string, string>, RegExp][] = [
      [{ architecture: 'topk', width: '8', k: '2', tokens: '10' }, /--out <dir> is required/],
      [{ activations: join(dir, 'bad.csv'), architecture: 'relu', width: '8', tokens: '10', out }, /column "b" is not numeric/],
      [{ model: defaultModel, hook: 'blocks.7.hook_resid_post', data: join(dir, 'data.txt'), architecture: 'topk', width: '8', k: '2', tokens: '10', out }, /--hook blocks.7.hook_resid_post is not a hook point of this model/],
      [{ model: defaultModel, data: join(dir, 'data.txt'), architecture: 'topk', width: '8', k: '2', tokens: '10', out }, /--hook is required/],
      [{ activations: join(dir, 'bad.csv'), model: defaultModel, architecture: 'topk', width: '8', k: '2', tokens: '10', out }, /either --activations <table.csv> or --model/],
      [{ activations: join(dir, 'bad.csv'), architecture: 'topk', width: '8', tokens: '10', out }, /--k is required/],
      [{ activations: join(dir, 'bad.csv'), architecture: 'sparse', width: '8', tokens: '10', out }, /--architecture must be topk or relu/],
      [{ activations: join(dir, 'bad.csv'), architecture: 'topk', width: 'wide', k: '2', tokens: '10', out }, /--width must be an integer >= 1, got "wide"/],
      [{ activations: join(dir, 'missing.csv'), architecture: 'topk', width: '8', k: '2', tokens: '10', out }, /--activations table ".*missing.csv" does not exist/],
      [{ model: defaultModel, hook: 'blocks.0.hook_resid_post', data: join(dir, 'missing.txt'), architecture: 'topk', width: '8', k: '2', tokens: '10', out }, /--data file ".*missing.txt" does not exist/],
    ];
    for (const [opts, msg] of cases) await expect(runSaeTrainCommand(opts)).rejects.toThrow(msg);
    expect(existsSync(out)).toBe(false);
  });
});
