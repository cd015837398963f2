/** The `sae` named input: an SAELens folder read with @marr/sae's loadSae, checked against the model. */
import { join } from 'node:path';
import { defineInputKind, MarrUsageError, type AnalysisContext, type HookedTransformer } from '@marr/core';
import { loadSae, SAE_CFG_FILENAME, SAE_WEIGHTS_FILENAME, type LoadedSae } from '@marr/sae';

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

export function saeFromContext(ctx: AnalysisContext<unknown>, model: HookedTransformer): LoadedSae {
  const input = ctx.inputs.sae?.[0];
  if (!input) throw new MarrUsageError('multidim-features needs an SAE; pass --input sae=<folder> (an SAELens folder with cfg.json and sae_weights.safetensors, e.g. from marr sae train)');
  const sae = input.value as LoadedSae;
  const hook = sae.cfg.hookName;
  if (!hook) throw new MarrUsageError(`${input.path}/cfg.json names no hook_name; set it to the hook point the SAE reads (e.g. blocks.0.hook_resid_post)`);
  if (!model.hookPoints({ optIn: true }).includes(hook)) throw new MarrUsageError(`the SAE reads ${hook}, which is not a hook point of this model; was it trained on another model?`);
  if (sae.cfg.dIn !== model.config.dModel && /resid/.test(hook)) throw new MarrUsageError(`the SAE reads ${sae.cfg.dIn}-wide activations but the model's residual stream is ${model.config.dModel} wide; was it trained on another model?`);
  return sae;
}
