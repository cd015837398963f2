// The llama2.c models in shared/: the converted Hugging Face Llama folder gives the same logits as the
// llama2.c file (interleaved rotary vs permuted q/k with half rotary), and every model generates fluent text.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, sharedFixture } from '../../src/index.js';
import { convertLlama2cToHf } from '../../src/loading/convert.js';

const models = sharedFixture('models');

describe.skipIf(!models.path)(`llama2.c checkpoints ${models.reason}`, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'marr-convert-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('stories260K converted to an HF Llama folder gives the same logits as the llama2.c file', async () => {
    const bin = join(models.path!, 'stories260K/stories260K.bin');
    const tok = join(models.path!, 'stories260K/tok512.bin');
    await convertLlama2cToHf(bin, tok, tmp);
    const a = await loadModel(bin, { tokenizer: tok });
    const b = await loadModel(tmp);
    expect(a.config.rotaryStyle).toBe('interleaved');
    expect(b.config.rotaryStyle).toBe('half');
    const text = 'Once upon a time, there was a little girl named Lily. She loved to play outside.';
    const ids = a.tokenizer!.encode(text);
    expect(b.tokenizer!.encode(text)).toEqual(ids);
    const la = (await a.run(ids)).logits!.data;
    const lb = (await b.run(ids)).logits!.data;
    let err = 0, scale = 0;
    for (let i = 0; i < la.length; i++) {
      err = Math.max(err, Math.abs(la[i] - lb[i]));
      scale = Math.max(scale, Math.abs(la[i]));
    }
    expect(err / scale).toBeLessThan(1e-5);
    await a.dispose();
    await b.dispose();
  });

  const others: [string, string, string][] = [
    ['tinystories-500it', 'tinystories-500it/model.bin', 'stories260K/tok512.bin'],
    ['babyllama-tok105', 'babyllama-tok105/model5000.bin', 'babyllama-tok105/tok105.bin'],
    ['babyllama-tok361', 'babyllama-tok361/model5000.bin', 'babyllama-tok361/tok361.bin'],
  ];
  for (const [name, bin, tok] of others) {
    it(`${name} loads and generates fluent text`, async () => {
      const model = await loadModel(join(models.path!, bin), { tokenizer: join(models.path!, tok) });
      const out = await model.generate('Once upon a time', { maxNewTokens: 40, temperature: 0 });
      // Their SOURCE.txt files record independent numpy forwards whose greedy output begins like this.
      expect(out.text).toMatch(/^Once upon a time, there was a little girl named Lily/);
      await model.dispose();
    });
  }
});
