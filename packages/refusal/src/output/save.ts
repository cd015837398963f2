/**
 * What a user takes away: the selected direction as JSON (`saveDirection`), and the orthogonalised model
 * as a Hugging Face folder (`saveModel`) in the same format as its source (LlamaForCausalLM or
 * GPT2LMHeadModel; a llama2.c checkpoint becomes a Llama folder), with the source's tokenizer files (a
 * llama2.c tokenizer converted to tokenizer.json) and a note in config.json and MODEL_CARD.md. Both are
 * written all or nothing.
 */
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  checkOutputDir, commitStagedDir, createStagingDir, encodeSafetensors, llama2cToTokenizerJson, llama2cTokenizerConfig, MarrUsageError, marrToHfLlama,
  modelConfigToHfGpt2, modelConfigToHfLlama, readLlama2cVocab, writeFileSet, writeHfGpt2Folder, writeJsonAtomic, type HookedTransformer, type ModelConfig, type WeightMap,
} from '@marr/core';

export interface SavedDirection {
  method: string;
  model: string;
  layer: number;
  position: number;
  token: string;
  norm: number;
  dModel: number;
  template: string;
  refusalTokens: string[];
  /** The raw difference in means r (add it with coefficient ±1 at `layer`'s block input; ablate r / |r|). */
  direction: number[];
}

export const METHOD = 'refusal-direction (Arditi et al. 2024), @marr/refusal';

/** Checks up front (before any compute) that `path` can be written as a file. */
export async function checkDirectionFile(path: string): Promise<void> {
  if (!path.toLowerCase().endsWith('.json')) throw new MarrUsageError(`saveDirection "${path}" must be a .json file, e.g. --param saveDirection=refusal-direction.json`);
  await checkOutputDir(dirname(path) || '.', 'saveDirection');
  if (existsSync(path) && !(await stat(path)).isFile()) {
    throw new MarrUsageError(`saveDirection "${path}" is a folder; give a .json file path`);
  }
}

export async function saveDirection(path: string, d: SavedDirection): Promise<void> {
  await writeJsonAtomic(path, d);
}

export function checkModelFolderSupported(model: HookedTransformer): void {
  if (model.config.architecture !== 'llama' && model.config.architecture !== 'gpt2') {
    throw new MarrUsageError(
      `saveModel writes Hugging Face Llama and GPT-2 folders; this model is ${model.config.architecture}. Drop --param saveModel, or use --param saveDirection=<file.json> and apply the direction yourself`,
    );
  }
}

/** The folder the model was loaded from, when it was a Hugging Face folder. */
function sourceFolder(model: HookedTransformer): string | null {
  if (model.source.format !== 'hf') return null;
  const config = model.source.files.find((f) => basename(f.path) === 'config.json');
  return config ? dirname(config.path) : null;
}

const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'generation_config.json', 'tokenizer.model'];

function hfConfig(cfg: ModelConfig): Record<string, unknown> {
  return (cfg.architecture === 'llama' ? modelConfigToHfLlama({ ...cfg, rotaryStyle: 'half' }) : modelConfigToHfGpt2(cfg)) as Record<string, unknown>;
}

/**
 * Writes the orthogonalised model to `dir`. The embedding no longer equals the unembedding, so the folder
 * stores lm_head and says tie_word_embeddings: false. Returns the note written into the model card.
 */
export async function saveOrthogonalizedModel(model: HookedTransformer, weights: WeightMap, dir: string, d: Omit<SavedDirection, 'direction'>): Promise<string[]> {
  checkModelFolderSupported(model);
  const cfg: ModelConfig = { ...model.config, tiedEmbeddings: false };
  const from = sourceFolder(model);
  const note = {
    method: METHOD,
    source: model.source.spec,
    layer: d.layer,
    position: d.position,
    token: d.token,
    norm: d.norm,
    what: 'W <- W - r̂ r̂ᵀ W for the token and positional embeddings and every attention and MLP output matrix and bias; the unembedding is unchanged',
  };
  const baseConfig = from && existsSync(join(from, 'config.json')) ? (JSON.parse(await readFile(join(from, 'config.json'), 'utf8')) as Record<string, unknown>) : hfConfig(cfg);
  const config = { ...baseConfig, tie_word_embeddings: false, marr_orthogonalized: note };
  const card =
    `# ${basename(dir)}: ${model.source.spec} with its refusal direction orthogonalised away\n\n` +
    `Written by ${METHOD}. The direction is the difference in means of blocks.${d.layer}.hook_resid_pre at position ${d.position} ` +
    `(${JSON.stringify(d.token)}) between harmful and harmless prompts (norm ${d.norm.toPrecision(4)}), template ${JSON.stringify(d.template)}. ` +
    `Every matrix that writes into the residual stream (embeddings, attention and MLP outputs, their biases) had the unit direction projected out ` +
    `(W <- W - r̂ r̂ᵀ W), so the model computes what directional ablation at every layer computes. The unembedding is unchanged, so ` +
    `tie_word_embeddings is false and lm_head is stored.\n`;
  const json = (v: unknown): string => JSON.stringify(v, null, 2) + '\n';
  const extras: { name: string; data: string | Uint8Array }[] = [];
  if (from) for (const f of TOKENIZER_FILES) if (existsSync(join(from, f))) extras.push({ name: f, data: await readFile(join(from, f)) });
  const llama2cTokenizer = model.source.format === 'llama2c' ? model.source.files.slice(1).find((f) => f.path.toLowerCase().endsWith('.bin')) : undefined;
  if (llama2cTokenizer) {
    // A llama2.c tokenizer becomes tokenizer.json, as convertLlama2cToHf writes it.
    const vocab = await readLlama2cVocab(llama2cTokenizer.path, cfg.dVocab);
    extras.push({ name: 'tokenizer.json', data: json(llama2cToTokenizerJson(vocab)) }, { name: 'tokenizer_config.json', data: json(llama2cTokenizerConfig(cfg.nCtx)) });
  }
  extras.push({ name: 'MODEL_CARD.md', data: card });
  if (cfg.architecture === 'llama') {
    const tensors = marrToHfLlama(cfg, weights);
    return writeFileSet(dir, [{ name: 'config.json', data: json(config) }, { name: 'model.safetensors', data: encodeSafetensors(tensors, { metadata: { format: 'pt' } }) }, ...extras]);
  }
  const staging = await createStagingDir(dir);
  await writeHfGpt2Folder(cfg, weights, staging);
  await writeFile(join(staging, 'config.json'), json({ ...hfConfig(cfg), ...config }));
  for (const e of extras) await writeFile(join(staging, e.name), e.data);
  await commitStagedDir(staging, dir);
  return ['config.json', 'model.safetensors', ...extras.map((e) => e.name)].map((n) => join(dir, n));
}
