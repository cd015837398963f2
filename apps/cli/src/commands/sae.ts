/**
 * `marr sae train --model M --hook blocks.L.hook_resid_post --data D --architecture topk|relu --width N
 * [--k K] [--l1 λ] --tokens T --out dir` (or `--activations table.csv` instead of a model): trains a
 * sparse autoencoder with @marr/sae and writes an SAELens folder. @marr/sae is looked up at run time, so
 * the CLI does not depend on it; the progress line shows loss (MSE), L0 and the dead fraction.
 */
import { Command } from 'commander';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';

interface SaeProgress { step: number; steps: number; mse: number; fvu: number; l0: number; deadFraction: number; rowsPerSecond: number }

interface SaePackage {
  runSaeTrainCommand(
    options: Record<string, string | undefined>,
    hooks: { onProgress?: (p: SaeProgress) => void },
  ): Promise<{ out: string; seconds: number; history: SaeProgress[] }>;
}

export async function saeTrainCommand(options: Record<string, string | undefined>): Promise<void> {
  const pkg = '@marr/sae';
  const sae = (await import(pkg).catch(() => null)) as Partial<SaePackage> | null;
  if (!sae || typeof sae.runSaeTrainCommand !== 'function') throw new UsageError('marr sae needs @marr/sae; install it with npm install @marr/sae');
  const { resolveModelSpecs } = await import('../model-spec.js');
  const { progressEnabled, progressLine } = await import('../progress.js');
  const [model] = options.model ? await resolveModelSpecs([options.model]) : [undefined];
  const tty = progressEnabled();
  const started = performance.now();
  const out = options.out ? resolve(options.out) : undefined;
  const result = await sae.runSaeTrainCommand({ ...options, model, out }, {
    onProgress: (p) => {
      if (!tty) return;
      const line = progressLine('sae', p.step, p.steps, (performance.now() - started) / 1000);
      process.stderr.write(`\r${line} mse ${p.mse.toFixed(3)} fvu ${p.fvu.toFixed(3)} L0 ${p.l0.toFixed(1)} dead ${(100 * p.deadFraction).toFixed(1)}% ${Math.round(p.rowsPerSecond)} tok/s\u001b[K`);
    },
  });
  if (tty) process.stderr.write('\n');
  const last = result.history.at(-1);
  const stats = last ? `: fvu ${last.fvu.toFixed(3)}, L0 ${last.l0.toFixed(1)}, dead ${(100 * last.deadFraction).toFixed(1)}%` : '';
  process.stdout.write(`trained SAE in ${result.seconds.toFixed(1)} s${stats}: ${result.out}\n`);
}

/** The `sae` command group (with the parent's exit and output settings). */
export function saeCommand(parent: Command): Command {
  const sae = new Command('sae').copyInheritedSettings(parent).description('sparse autoencoders (SAELens format): train');
  sae
    .command('train')
    .description('train a sparse autoencoder on a model hook (or a table of vectors) into an SAELens folder')
    .option('--model <model>', 'model folder, shipped name or hub id')
    .option('--hook <name>', 'hook point to read, e.g. blocks.0.hook_resid_post')
    .option('--data <file>', 'text file (.txt, .jsonl, .csv) the model runs on')
    .option('--activations <table.csv>', 'train on a CSV of vectors (numeric columns) instead of a model')
    .option('--architecture <arch>', 'topk or relu (default topk)')
    .option('--width <n>', 'latents (d_sae)')
    .option('--k <k>', 'active latents per token (topk)')
    .option('--l1 <lambda>', 'L1 coefficient (relu; default 5, inputs scaled to mean norm sqrt(d_in))')
    .option('--tokens <n>', 'activation rows to train on')
    .option('--batch-size <n>', 'rows per step (default 1024)')
    .option('--lr <lr>', 'peak learning rate (default 1e-3 topk, 4e-4 relu)')
    .option('--context-length <n>', 'tokens per window, BOS included (default min(nCtx, 128))')
    .option('--seed <n>', 'seed for initialisation and data order (default 0)')
    .option('--out <dir>', 'output folder')
    .action(async (opts) => saeTrainCommand(opts));
  return sae;
}
