/** What the SAE analyses share: their text parameters, the SAE folder parameter, windows, and the checks. */
import { join } from 'node:path';
import { defineInputKind, MarrUsageError, textWindows, z, type AnalysisContext, type HookedTransformer } from '@marr/core';
import { loadSae, SAE_CFG_FILENAME, SAE_WEIGHTS_FILENAME, type LoadedSae } from '../format/folder.js';

/** The `sae` input: an SAELens folder, loaded with loadSae (both files hashed into report.inputs.files). */
export const saeFolderKind = defineInputKind<LoadedSae>({
  id: 'sae-folder',
  description: `an SAELens SAE folder (${SAE_CFG_FILENAME} + ${SAE_WEIGHTS_FILENAME}), e.g. from marr sae train`,
  entry: 'folder',
  async load(path) {
    return loadSae(path).catch((err: Error) => { throw new MarrUsageError(err.message); });
  },
  async files(path) {
    return [join(path, SAE_CFG_FILENAME), join(path, SAE_WEIGHTS_FILENAME)];
  },
});

/** The inputs both SAE analyses declare. */
export const saeInputs = {
  models: { min: 1, max: 1 },
  data: { kind: 'text' as const, required: true, description: 'text the model runs on' },
  files: { sae: { kind: saeFolderKind, required: true, description: 'the SAE (--input sae=<folder>); its hook_name must be a hook point of the model' } },
  capabilities: ['tokenizer' as const],
};

export const saeTextParams = {
  contextLength: z.number().int().min(2).default(64).describe('Tokens per window, BOS included (at most the model context).'),
  maxTokens: z.number().int().min(2).default(16384).describe('Stop reading the dataset after this many tokens (windows x contextLength).'),
  batchWindows: z.number().int().min(1).default(8).describe('Windows per forward batch.'),
  excludeBos: z.boolean().default(true).describe('Leave the BOS position out of the SAE statistics (its activations are outliers).'),
};

/** The loaded `sae` input, checked against the model. */
export function analysisSae(ctx: AnalysisContext<unknown>, model: HookedTransformer): LoadedSae {
  const input = ctx.inputs.sae?.[0];
  if (!input) throw new MarrUsageError('this analysis needs an SAE; pass --input sae=<folder> (an SAELens folder with cfg.json and sae_weights.safetensors, e.g. from marr sae train)');
  const sae = input.value as LoadedSae;
  const hook = sae.cfg.hookName;
  if (!hook) throw new MarrUsageError(`${input.path}/cfg.json names no hook_name; set it to the hook point the SAE reads (e.g. blocks.0.hook_resid_post)`);
  if (!model.hookPoints({ optIn: true }).includes(hook)) throw new MarrUsageError(`the SAE reads ${hook}, which is not a hook point of this model; was it trained on another model?`);
  if (sae.cfg.dIn !== model.config.dModel && /resid/.test(hook)) throw new MarrUsageError(`the SAE reads ${sae.cfg.dIn}-wide activations but the model's residual stream is ${model.config.dModel} wide; was it trained on another model?`);
  return sae;
}

/** The run's text dataset as token windows (core's textWindows). */
export const saeWindows = textWindows;

/** Counts of latents by log10 firing frequency, in half-decade bins, plus a bin for latents that never fired. */
export function frequencyHistogram(frequency: ArrayLike<number>): { categories: string[]; counts: number[] } {
  const edges = [-6, -5.5, -5, -4.5, -4, -3.5, -3, -2.5, -2, -1.5, -1, -0.5, 0];
  const categories = ['never', ...edges.slice(0, -1).map((e, i) => `[${e}, ${edges[i + 1]})`)];
  const counts = new Array(categories.length).fill(0);
  for (let i = 0; i < frequency.length; i++) {
    const f = frequency[i];
    if (f <= 0) { counts[0]++; continue; }
    const lg = Math.log10(f);
    let b = edges.findIndex((e, k) => k < edges.length - 1 && lg < edges[k + 1]);
    if (b < 0) b = edges.length - 2;
    counts[1 + Math.max(0, b)]++;
  }
  return { categories, counts };
}

export const fmt = (v: number, digits = 3): string => (Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : String(v));
