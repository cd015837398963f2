/**
 * A checkpoint series: the models given (`--model` repeated, in training order) or every checkpoint
 * folder under `--input checkpoints=<folder>` (sub-folders with a config.json, ordered by step), each
 * with its training step: `step` of the training.json beside its weights, else a number after "step"
 * in its name, else its index in the series.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { MarrUsageError, type HookedTransformer } from '@marr/core';

export function stepOf(model: HookedTransformer, index: number): number {
  const file = model.source.files[0]?.path;
  if (file) {
    const record = join(dirname(file), 'training.json');
    if (existsSync(record)) {
      try {
        const step = (JSON.parse(readFileSync(record, 'utf8')) as { step?: unknown }).step;
        if (typeof step === 'number' && Number.isFinite(step)) return step;
      } catch {
        // an unreadable record: fall back to the name
      }
    }
  }
  return stepFromName(model.source.spec) ?? index;
}

export function stepFromName(name: string): number | null {
  const m = /step[-_]?(\d+)(?!.*step[-_]?\d)/i.exec(name);
  return m ? Number(m[1]) : null;
}

/** The checkpoint folders under `folder` (each holds a config.json), ordered by step. */
export function checkpointFolders(folder: string): { path: string; step: number }[] {
  const subs = readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(folder, e.name, 'config.json')))
    .map((e) => join(folder, e.name));
  if (subs.length === 0) {
    throw new MarrUsageError(`--input checkpoints=${folder} holds no checkpoint folders (sub-folders with a config.json); give the folder that contains them, e.g. packages/zoo/models/organism-seed0/checkpoints`);
  }
  const withStep = subs.map((path, i) => {
    let step: number | null = null;
    const record = join(path, 'training.json');
    if (existsSync(record)) {
      const s = (JSON.parse(readFileSync(record, 'utf8')) as { step?: unknown }).step;
      if (typeof s === 'number') step = s;
    }
    return { path, step: step ?? stepFromName(basename(path)) ?? i };
  });
  return withStep.sort((a, b) => a.step - b.step || a.path.localeCompare(b.path));
}

/** Steps must increase along the series, or the plots over training would be meaningless. */
export function checkIncreasing(steps: readonly number[], names: readonly string[]): void {
  for (let i = 1; i < steps.length; i++) {
    if (!(steps[i] > steps[i - 1])) {
      throw new MarrUsageError(
        `the checkpoints must be in training order with increasing steps, but ${names[i]} (step ${steps[i]}) follows ${names[i - 1]} (step ${steps[i - 1]}); give the --model flags in training order`,
      );
    }
  }
}

/** First step from which `holds` is true at every later checkpoint, or null. */
export function formedAt(steps: readonly number[], holds: readonly boolean[]): number | null {
  let first: number | null = null;
  for (let i = steps.length - 1; i >= 0; i--) {
    if (!holds[i]) break;
    first = steps[i];
  }
  return first;
}
