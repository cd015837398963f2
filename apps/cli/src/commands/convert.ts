/** `marr convert <llama2c.bin> --tokenizer <tok.bin> --out <dir>`: a llama2.c checkpoint as a Hugging Face folder. */
import { checkOutputDir, convertLlama2cToHf, requireFile } from '@marr/core';
import { UsageError } from '../errors.js';

export async function convertCommand(checkpoint: string, options: { tokenizer?: string; out?: string }): Promise<void> {
  if (!options.tokenizer) throw new UsageError('marr convert needs --tokenizer <tok.bin> (the llama2.c tokenizer of the checkpoint)');
  if (!options.out) throw new UsageError('marr convert needs --out <dir> for the Hugging Face folder');
  await requireFile(checkpoint, 'llama2.c checkpoint');
  await requireFile(options.tokenizer, 'tokenizer file');
  // The same checks as `marr run --out` (an existing file, /proc, unwritable places), before any work.
  await checkOutputDir(options.out, '--out');
  const { files } = await convertLlama2cToHf(checkpoint, options.tokenizer, options.out);
  process.stdout.write(`Wrote ${files.length} files to ${options.out}:\n${files.map((f) => `  ${f}`).join('\n')}\n`);
}
