/**
 * Environment settings, read once into one documented object. Every `MARR_*` (and hub) variable marr
 * understands is listed in SETTINGS with what it does; `settings()` parses them on first use, checks
 * their values (a bad one is an error naming the variable and the valid values) and returns the same
 * object afterwards. Tests that change the environment call `reloadSettings()`.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { MarrUsageError } from './analysis/errors.js';

export interface MarrSettings {
  /** MARR_BACKEND: the kernels models run on; null means onnxruntime when it loads, else reference. */
  backend: 'onnxruntime' | 'reference' | null;
  /** MARR_THREADS: onnxruntime intra-op threads; null means one per available core. */
  threads: number | null;
  /** MARR_ORT_SPIN=1: let onnxruntime worker threads spin while waiting (faster on an idle machine). */
  ortSpin: boolean;
  /** MARR_SHARED: the shared/ reference folder (models, data) for tests and benchmarks; null: ../shared. */
  shared: string | null;
  /** MARR_REQUIRE_FIXTURES=1: a missing shared/ fixture fails instead of skipping (CI). */
  requireFixtures: boolean;
  /** MARR_ALLOW_REMOTE=1: loadModel may download hub ids. */
  allowRemote: boolean;
  /** MARR_CACHE_DIR: where downloaded hub models are kept (default ~/.cache/marr/hub). */
  cacheDir: string;
  /** HF_ENDPOINT: the Hugging Face hub address (default https://huggingface.co). */
  hfEndpoint: string;
  /** HF_TOKEN: a hub token for gated or private models; null when unset. */
  hfToken: string | null;
  /** MARR_PLUGINS_FROM_CLI=0: `marr` looks for plugins only from the working directory, not from its own installation. */
  pluginsFromCli: boolean;
  /** MARR_DEVICE: where the onnxruntime backend runs (cpu, or cuda when its libraries are installed); null: cpu. */
  device: 'cpu' | 'cuda' | null;
  /** MARR_FUSED=0: run every block on the per-kernel path instead of fused graphs. */
  fused: boolean;
  /** MARR_WASM=0: run decoding steps' small kernels in JavaScript instead of WebAssembly. */
  wasm: boolean;
  /** MARR_NON_FINITE_WEIGHTS=warn: load weights with NaN or Inf values with a loud warning instead of refusing them. */
  nonFiniteWeights: 'reject' | 'warn';
  /** MARR_BATCH_MEMORY_MB: the memory an automatically sized batch of windows aims to stay under (default 160). */
  batchMemoryMB: number;
}

/** Every variable, with the setting it fills and its documentation (the source of the docs table). */
export const SETTINGS: readonly { variable: string; setting: keyof MarrSettings; values: string; meaning: string }[] = [
  { variable: 'MARR_BACKEND', setting: 'backend', values: 'onnxruntime | reference', meaning: 'kernels models run on (default: onnxruntime when it loads, else reference)' },
  { variable: 'MARR_THREADS', setting: 'threads', values: 'positive integer', meaning: 'onnxruntime intra-op threads (default: one per available core)' },
  { variable: 'MARR_ORT_SPIN', setting: 'ortSpin', values: '1', meaning: 'let onnxruntime worker threads spin while waiting' },
  { variable: 'MARR_SHARED', setting: 'shared', values: 'folder', meaning: 'the shared/ reference folder for tests and benchmarks (default ../shared from the repository root)' },
  { variable: 'MARR_REQUIRE_FIXTURES', setting: 'requireFixtures', values: '1', meaning: 'a missing shared/ fixture fails instead of skipping' },
  { variable: 'MARR_ALLOW_REMOTE', setting: 'allowRemote', values: '1', meaning: 'loadModel may download hub ids' },
  { variable: 'MARR_CACHE_DIR', setting: 'cacheDir', values: 'folder', meaning: 'where downloaded hub models are kept (default ~/.cache/marr/hub)' },
  { variable: 'HF_ENDPOINT', setting: 'hfEndpoint', values: 'URL', meaning: 'the Hugging Face hub address (default https://huggingface.co)' },
  { variable: 'HF_TOKEN', setting: 'hfToken', values: 'token', meaning: 'hub token for gated or private models' },
  { variable: 'MARR_PLUGINS_FROM_CLI', setting: 'pluginsFromCli', values: '0', meaning: 'look for plugins only from the working directory' },
  { variable: 'MARR_DEVICE', setting: 'device', values: 'cpu | cuda', meaning: 'where the onnxruntime backend runs (default cpu; cuda needs onnxruntime-node with its CUDA libraries)' },
  { variable: 'MARR_FUSED', setting: 'fused', values: '0', meaning: 'run every block on the per-kernel path instead of fused graphs' },
  { variable: 'MARR_WASM', setting: 'wasm', values: '0', meaning: "run decoding steps' small kernels in JavaScript instead of WebAssembly" },
  { variable: 'MARR_NON_FINITE_WEIGHTS', setting: 'nonFiniteWeights', values: 'warn', meaning: 'load weights with NaN or Inf values with a loud warning instead of refusing them' },
  { variable: 'MARR_BATCH_MEMORY_MB', setting: 'batchMemoryMB', values: 'positive number', meaning: 'memory an automatically sized batch of windows aims to stay under (default 160 MB)' },
];

const nonEmpty = (v: string | undefined): string | null => (v === undefined || v.trim() === '' ? null : v);

/** Parses settings from an environment (pure; `settings()` calls it once with process.env). */
export function readSettings(env: Readonly<Record<string, string | undefined>>): MarrSettings {
  const backend = nonEmpty(env.MARR_BACKEND);
  if (backend !== null && backend !== 'onnxruntime' && backend !== 'reference') {
    throw new MarrUsageError(`MARR_BACKEND="${backend}" is not a backend; use onnxruntime or reference (or unset it)`);
  }
  const threadsText = nonEmpty(env.MARR_THREADS);
  const threads = threadsText === null ? null : Number(threadsText);
  if (threads !== null && (!Number.isInteger(threads) || threads < 1)) {
    throw new MarrUsageError(`MARR_THREADS="${threadsText}" must be a positive integer (or unset for one thread per core)`);
  }
  const batchText = nonEmpty(env.MARR_BATCH_MEMORY_MB);
  const batchMemoryMB = batchText === null ? 160 : Number(batchText);
  if (!(batchMemoryMB > 0) || !Number.isFinite(batchMemoryMB)) {
    throw new MarrUsageError(`MARR_BATCH_MEMORY_MB="${batchText}" must be a positive number of megabytes (or unset for 160)`);
  }
  const device = nonEmpty(env.MARR_DEVICE);
  if (device !== null && device !== 'cpu' && device !== 'cuda') {
    throw new MarrUsageError(`MARR_DEVICE="${device}" is not a device; use cpu or cuda (or unset it)`);
  }
  return {
    backend,
    threads,
    ortSpin: env.MARR_ORT_SPIN === '1',
    shared: nonEmpty(env.MARR_SHARED),
    requireFixtures: env.MARR_REQUIRE_FIXTURES === '1',
    allowRemote: env.MARR_ALLOW_REMOTE === '1',
    cacheDir: nonEmpty(env.MARR_CACHE_DIR) ?? join(homedir(), '.cache', 'marr', 'hub'),
    hfEndpoint: (nonEmpty(env.HF_ENDPOINT) ?? 'https://huggingface.co').replace(/\/+$/, ''),
    hfToken: nonEmpty(env.HF_TOKEN),
    pluginsFromCli: env.MARR_PLUGINS_FROM_CLI !== '0',
    device,
    fused: env.MARR_FUSED !== '0',
    wasm: env.MARR_WASM !== '0',
    nonFiniteWeights: env.MARR_NON_FINITE_WEIGHTS === 'warn' ? 'warn' : 'reject',
    batchMemoryMB,
  };
}

let cached: MarrSettings | null = null;

/** The settings of this process, read from the environment on first use. */
export function settings(): MarrSettings {
  cached ??= readSettings(process.env);
  return cached;
}

/** Reads the environment again (for tests that change it). */
export function reloadSettings(): MarrSettings {
  cached = null;
  return settings();
}
