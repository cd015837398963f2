/**
 * `loadWeights(spec)`: config, weights in marr layout, tokenizer and provenance from whatever `spec` names:
 * - a folder with config.json (an HF model folder: safetensors weights, tokenizer.json if present);
 * - a llama2.c `.bin` checkpoint (tokenizer from `options.tokenizer`, else the one `tok*.bin` beside it);
 * - a minGPT `.json` state dict;
 * - a hub id `owner/name` (downloaded into a cache only when remote access is allowed).
 * PyTorch pickle files are refused with a message on how to convert them.
 */
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { ModelConfig } from '../model/config.js';
import type { ModelSource, Tokenizer } from '../model/types.js';
import type { WeightMap } from '../model/weights.js';
import { HfTokenizer } from '../tokenizer/hf-tokenizer.js';
import { Llama2cTokenizer } from '../tokenizer/llama2c-tokenizer.js';
import { recordFiles } from './file-record.js';
import { checkWeightsFinite, type NonFiniteWeights } from './finite-check.js';
import { hfConfigToModelConfig, hfModelType } from './hf-config.js';
import { hfWeightsToMarr } from './hf-weights.js';
import { fetchHubModel, isHubId, type FetchLike } from './hub.js';
import { readLlama2c } from './llama2c.js';
import { readMinGptJson } from './mingpt-json.js';
import { rejectPickle } from './safetensors.js';
import { readSafetensorsFolder } from './safetensors-sharded.js';
import { settings } from '../settings.js';

export interface LoadWeightsOptions {
  /** A tokenizer to use instead of the model's own: a llama2.c `.bin`, a `tokenizer.json` or a folder holding one. */
  tokenizer?: string;
  /** Allow downloading hub ids (also `MARR_ALLOW_REMOTE=1`). */
  allowRemote?: boolean;
  /** Cache root for hub downloads. */
  cacheDir?: string;
  /** Hub base URL and fetch implementation (for mirrors and tests). */
  hub?: { baseUrl?: string; revision?: string; fetch?: FetchLike };
  /**
   * Weights holding NaN or infinities: 'reject' (default) throws naming the tensor; 'warn' loads them and
   * reports each bad tensor through `onWarning` (default: printed to stderr). Default: 'warn' when the
   * MARR_NON_FINITE_WEIGHTS setting is "warn" (how a CLI user opts in), else 'reject'.
   */
  nonFiniteWeights?: NonFiniteWeights;
  onWarning?: (message: string) => void;
}

export interface LoadedWeights {
  config: ModelConfig;
  weights: WeightMap;
  tokenizer: Tokenizer | null;
  source: ModelSource;
}

const PICKLE_EXTENSIONS = new Set(['.pt', '.pth', '.ckpt', '.pkl']);

export async function loadWeights(spec: string, options: LoadWeightsOptions = {}): Promise<LoadedWeights> {
  const loaded = await loadUnchecked(spec, options);
  // The CLI's opt-in: MARR_NON_FINITE_WEIGHTS=warn (an explicit option wins).
  const mode = options.nonFiniteWeights ?? settings().nonFiniteWeights;
  const warnings = checkWeightsFinite(loaded.weights, `model ${spec}`, mode);
  const warn = options.onWarning ?? ((m: string) => process.stderr.write(m + '\n'));
  for (const w of warnings) warn(w);
  return loaded;
}

async function loadUnchecked(spec: string, options: LoadWeightsOptions): Promise<LoadedWeights> {
  if (typeof spec !== 'string' || spec.length === 0) throw new Error('loadWeights: spec must be a path to a model or a hub id (owner/name)');
  if (existsSync(spec)) {
    const path = resolve(spec);
    if (statSync(path).isDirectory()) return loadHfFolder(spec, path, options, 'hf');
    const ext = extname(path).toLowerCase();
    if (PICKLE_EXTENSIONS.has(ext)) rejectPickle(path);
    if (ext === '.bin') return loadLlama2cFile(spec, path, options);
    if (ext === '.json') return loadMinGpt(spec, path, options);
    if (ext === '.safetensors') {
      if (existsSync(join(dirname(path), 'config.json'))) return loadHfFolder(spec, dirname(path), options, 'hf');
      throw new Error(`${path}: a bare safetensors file has no config; pass the folder with its config.json instead`);
    }
    throw new Error(`${path}: unknown model file type "${ext}". marr loads HF folders (config.json + safetensors), llama2.c .bin checkpoints and minGPT .json state dicts`);
  }
  if (isHubId(spec)) {
    const dir = await fetchHubModel(spec, { allowRemote: options.allowRemote, cacheDir: options.cacheDir, ...options.hub });
    return loadHfFolder(spec, dir, options, 'hf');
  }
  throw new Error(`loadWeights: "${spec}" is neither an existing file or folder nor a hub id of the form owner/name`);
}

async function loadHfFolder(spec: string, dir: string, options: LoadWeightsOptions, format: ModelSource['format']): Promise<LoadedWeights> {
  const configPath = join(dir, 'config.json');
  if (!existsSync(configPath)) {
    throw new Error(`${dir} is a folder without config.json; an HF model folder needs config.json and model.safetensors (or a sharded index)`);
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${configPath}: not valid JSON (${(err as Error).message})`);
  }
  const config = hfConfigToModelConfig(json, configPath);
  const { tensors, files } = await readSafetensorsFolder(dir);
  const weights = hfWeightsToMarr(config, hfModelType(json, configPath), tensors, dir);
  const read = [configPath, ...files];
  let tokenizer: Tokenizer | null = null;
  if (options.tokenizer) {
    const t = await loadTokenizerFile(options.tokenizer, config);
    tokenizer = t.tokenizer;
    read.push(...t.files);
  } else if (existsSync(join(dir, 'tokenizer.json'))) {
    tokenizer = await HfTokenizer.fromFolder(dir, { bosTokenId: config.bosTokenId, eosTokenId: config.eosTokenId, maxVocabSize: config.dVocab });
    read.push(join(dir, 'tokenizer.json'));
    if (existsSync(join(dir, 'tokenizer_config.json'))) read.push(join(dir, 'tokenizer_config.json'));
  }
  checkTokenizer(tokenizer, config, options.tokenizer ?? join(dir, 'tokenizer.json'));
  return { config, weights, tokenizer, source: { spec, format, files: await recordFiles(read) } };
}

async function loadLlama2cFile(spec: string, path: string, options: LoadWeightsOptions): Promise<LoadedWeights> {
  const { config, weights } = await readLlama2c(path);
  const read = [path];
  let tokenizer: Tokenizer | null = null;
  let tokPath = options.tokenizer ?? null;
  if (!tokPath) {
    const beside = (await readdir(dirname(path))).filter((f) => /^tok.*\.bin$/i.test(f) && join(dirname(path), f) !== path);
    if (beside.length === 1) tokPath = join(dirname(path), beside[0]);
    else if (beside.length > 1) {
      throw new Error(`${path}: several tokenizers lie beside the checkpoint (${beside.join(', ')}); choose one with options.tokenizer`);
    }
  }
  if (tokPath) {
    const t = await loadTokenizerFile(tokPath, config);
    tokenizer = t.tokenizer;
    read.push(...t.files);
  }
  if (tokPath) checkTokenizer(tokenizer, config, tokPath);
  return { config, weights, tokenizer, source: { spec, format: 'llama2c', files: await recordFiles(read) } };
}

async function loadMinGpt(spec: string, path: string, options: LoadWeightsOptions): Promise<LoadedWeights> {
  const { config, weights } = await readMinGptJson(path);
  const read = [path];
  let tokenizer: Tokenizer | null = null;
  if (options.tokenizer) {
    const t = await loadTokenizerFile(options.tokenizer, config);
    tokenizer = t.tokenizer;
    read.push(...t.files);
    checkTokenizer(tokenizer, config, options.tokenizer);
  }
  return { config, weights, tokenizer, source: { spec, format: 'mingpt-json', files: await recordFiles(read) } };
}

/** A tokenizer from a llama2.c `.bin`, a `tokenizer.json` file or a folder holding one. */
async function loadTokenizerFile(path: string, config: ModelConfig): Promise<{ tokenizer: Tokenizer; files: string[] }> {
  if (!existsSync(path)) throw new Error(`tokenizer ${path} does not exist`);
  if (statSync(path).isDirectory()) {
    const files = [join(path, 'tokenizer.json'), join(path, 'tokenizer_config.json')].filter((f) => existsSync(f));
    return { tokenizer: await HfTokenizer.fromFolder(path, { bosTokenId: config.bosTokenId, eosTokenId: config.eosTokenId, maxVocabSize: config.dVocab }), files };
  }
  if (path.toLowerCase().endsWith('.bin')) return { tokenizer: await Llama2cTokenizer.fromFile(path, config.dVocab), files: [path] };
  if (basename(path) === 'tokenizer.json') return loadTokenizerFile(dirname(path), config);
  throw new Error(`tokenizer ${path}: expected a llama2.c tokenizer .bin, a tokenizer.json or a folder holding one`);
}

/**
 * Rows of the embedding a model may have beyond its tokenizer's vocabulary: checkpoints pad the
 * vocabulary for speed (Pythia 50 304 rows for 50 277 tokens, Qwen2 151 936 for 151 646), never by more
 * than a small fraction.
 */
export function allowedVocabularyPadding(dVocab: number): number {
  return Math.max(128, Math.floor(dVocab / 64));
}

function checkTokenizer(tokenizer: Tokenizer | null, config: ModelConfig, tokenizerPath: string): void {
  if (!tokenizer) return;
  if (tokenizer.vocabSize > config.dVocab) {
    throw new Error(`${tokenizerPath}: the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabulary has only ${config.dVocab}; is it the right tokenizer?`);
  }
  if (config.dVocab - tokenizer.vocabSize > allowedVocabularyPadding(config.dVocab)) {
    throw new Error(
      `${tokenizerPath}: the tokenizer has only ${tokenizer.vocabSize} tokens but the model's vocabulary has ${config.dVocab} ` +
        `(more than the ${allowedVocabularyPadding(config.dVocab)} padding rows checkpoints add); it is not this model's tokenizer: pass the right one with --tokenizer`,
    );
  }
}
