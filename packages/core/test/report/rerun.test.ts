import { describe, expect, it } from 'vitest';
import { rerunCommand, type ReportEnvelope } from '../../src/index.js';

// The re-run line is a command a user can paste: models (with a llama2.c tokenizer), data, named inputs,
// seed and parameters, shell-quoted.
describe('rerunCommand', () => {
  it('names every input the run read and quotes what the shell would split', () => {
    const env = {
      analysis: { id: 'sparse-probe' },
      seed: 3,
      params: { positive: 'de', kValues: [1, 2, 4], note: "it's" },
      inputs: {
        models: [{ spec: 'models/stories260K.bin', format: 'llama2c', files: [{ path: '/abs/stories260K.bin' }, { path: '/abs/tok 512.bin' }] }],
        data: { path: 'data/my text.txt' },
        files: [
          { role: 'model', path: '/abs/stories260K.bin' },
          { role: 'data', path: 'data/my text.txt' },
          { role: 'classFiles.en', path: 'en.txt' },
        ],
      },
    } as unknown as ReportEnvelope;
    expect(rerunCommand(env)).toBe(
      "marr run sparse-probe --model models/stories260K.bin --tokenizer '/abs/tok 512.bin' --data 'data/my text.txt' --input classFiles.en=en.txt --seed 3 --param positive=de --param kValues=1,2,4 --param 'note=it'\\''s'",
    );
  });
});
