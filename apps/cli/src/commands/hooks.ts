/**
 * `marr hooks --model <m> [--json] [--seq N]`: every hook point of a model (from core's hook-point table),
 * with its axes and shape for one sequence of N tokens, and whether it is opt-in.
 */
import { hookPointShape, hookPointTable, loadModel } from '@marr/core';
import { UsageError } from '../errors.js';
import { resolveModelSpecs } from '../model-spec.js';
import { formatTable } from '../table.js';

export interface HooksCommandOptions {
  model: string;
  tokenizer?: string;
  seq?: string;
  json?: boolean;
}

export async function hooksCommand(options: HooksCommandOptions): Promise<void> {
  let seq: number | undefined;
  if (options.seq !== undefined) {
    seq = Number(options.seq);
    if (options.seq.trim() === '' || !Number.isInteger(seq) || seq < 1) throw new UsageError(`--seq must be a positive integer, got "${options.seq}"`);
  }
  const [spec] = await resolveModelSpecs([options.model]);
  const model = await loadModel(spec, options.tokenizer ? { tokenizer: options.tokenizer } : {});
  try {
    const cfg = model.config;
    const T = seq ?? Math.min(16, cfg.nCtx);
    if (T > cfg.nCtx) throw new UsageError(`--seq ${T} is longer than the model's context of ${cfg.nCtx} tokens; pass --seq ${cfg.nCtx} or less`);
    const rows = hookPointTable(cfg, { optIn: true }).map((e) => ({
      name: e.name,
      axes: [...e.spec.axes],
      shape: hookPointShape(cfg, e.spec, 1, T),
      optIn: e.spec.optIn ?? null,
      short: e.spec.short,
      description: e.spec.description,
    }));
    if (options.json) {
      process.stdout.write(JSON.stringify({ model: model.source.spec, batch: 1, seq: T, hookPoints: rows }, null, 2) + '\n');
      return;
    }
    process.stdout.write(
      `${rows.length} hook points of ${model.source.spec} (${cfg.architecture}, ${cfg.nLayers} blocks), shapes for 1 sequence of ${T} tokens (--seq to change).\n` +
        'Opt-in points are computed only when a hook, a cache list or the run option optIn names them.\n\n' +
        formatTable(
          ['name', 'shape', 'axes', 'opt-in', 'what'],
          rows.map((r) => [r.name, `[${r.shape.join(', ')}]`, r.axes.join(','), r.optIn ?? '', r.description]),
        ),
    );
  } finally {
    await model.dispose();
  }
}
