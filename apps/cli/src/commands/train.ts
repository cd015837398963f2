/**
 * `marr train --recipe <name> [--seed n] [--steps n] --out <dir>`: trains one of @marr/zoo's recipes
 * into a Hugging Face model folder, with a progress line (tokens/s, loss, ETA) on a terminal.
 * The zoo is looked up at run time: the CLI does not depend on it.
 */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkOutputDir, commitStagedDir, createStagingDir } from '@marr/core';
import { UsageError } from '../errors.js';
import { progressEnabled } from '../progress.js';

interface TrainProgress {
  step: number;
  steps: number;
  loss: number;
  tokensPerSecond: number;
  etaSeconds: number;
}

interface ZooTrainer {
  recipes: Record<string, { name: string; description?: string; steps: number }>;
  getRecipe(name: string): unknown;
  train(
    recipe: unknown,
    options: { seed?: number; steps?: number; out: string; onProgress?: (p: TrainProgress) => void },
  ): Promise<{ record?: { heldOutLoss?: number } }>;
}

function integerOption(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got "${value}"`);
  return n;
}

export async function trainCommand(options: { recipe?: string; seed?: string; steps?: string; out?: string }): Promise<void> {
  const pkg = '@marr/zoo';
  const zoo = (await import(pkg).catch(() => null)) as Partial<ZooTrainer> | null;
  if (!zoo || typeof zoo.train !== 'function' || !zoo.recipes || typeof zoo.getRecipe !== 'function') {
    throw new UsageError('marr train needs @marr/zoo (its recipes and trainer); install it with npm install @marr/zoo');
  }
  const names = Object.keys(zoo.recipes);
  if (!options.recipe) throw new UsageError(`--recipe is required; available recipes: ${names.join(', ')}`);
  if (!names.includes(options.recipe)) throw new UsageError(`unknown recipe "${options.recipe}"; available recipes: ${names.join(', ')}`);
  if (!options.out) throw new UsageError('--out <dir> is required: the folder the trained model is written to');
  const seed = integerOption('seed', options.seed, 0) ?? 0;
  const steps = integerOption('steps', options.steps, 1);
  const out = resolve(options.out);
  await checkOutputDir(options.out, '--out');
  const tty = progressEnabled();
  const started = performance.now();
  // All or nothing: the trainer writes into a staging folder beside --out, which replaces --out only
  // once every file (model, tokenizer, training.json, checkpoints) is complete.
  const staging = await createStagingDir(out);
  let result: Awaited<ReturnType<ZooTrainer['train']>>;
  try {
    result = await zoo.train(zoo.getRecipe(options.recipe), {
      seed,
      steps,
      out: staging,
      onProgress: (p) => {
        if (!tty) return;
        const eta = Number.isFinite(p.etaSeconds) ? `${Math.ceil(p.etaSeconds)}s` : '?';
        process.stderr.write(
          `\r${options.recipe} step ${p.step}/${p.steps} loss ${p.loss.toFixed(3)} ${Math.round(p.tokensPerSecond)} tok/s ETA ${eta}   `,
        );
      },
    });
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
  await commitStagedDir(staging, out);
  if (tty) process.stderr.write('\n');
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const held = result.record?.heldOutLoss;
  const loss = typeof held === 'number' ? `, held-out loss ${held.toFixed(3)} nats/token` : '';
  process.stdout.write(`trained ${options.recipe} (seed ${seed}) in ${seconds} s${loss}: ${out}\n`);
}
