/**
 * `loadModel(spec)`: anything `loadWeights` understands (an HF folder, a llama2.c checkpoint, a minGPT
 * JSON state dict, a hub id), or the short name of a model shipped in `@marr/zoo` when that package is
 * installed, wrapped into a runnable hooked transformer.
 */
import { existsSync } from 'node:fs';
import { loadWeights, type LoadWeightsOptions } from '../loading/load-weights.js';
import { createHookedTransformer, type BackendChoice } from './hooked-transformer.js';
import type { Device } from '../backend/ort-backend.js';
import type { HookedTransformer } from './types.js';

export interface LoadModelOptions extends LoadWeightsOptions {
  backend?: BackendChoice;
  threads?: number;
  /** Where the onnxruntime backend runs (cpu or cuda). */
  device?: Device;
}

interface ShippedModelRegistry {
  resolveShippedModel(name: string): string | null;
}

const SHIPPED_NAME = /^[a-z0-9][a-z0-9._-]*$/i;

/**
 * The folder of a shipped model named `name`, when `@marr/zoo` is installed and ships it. Core does not
 * depend on the zoo; it is looked up at run time so that installing it is enough.
 */
export async function resolveShippedModel(name: string): Promise<string | null> {
  if (!SHIPPED_NAME.test(name) || existsSync(name)) return null;
  const pkg = '@marr/zoo';
  try {
    const zoo = (await import(pkg)) as Partial<ShippedModelRegistry>;
    return typeof zoo.resolveShippedModel === 'function' ? zoo.resolveShippedModel(name) : null;
  } catch {
    return null;
  }
}

export async function loadModel(spec: string, options: LoadModelOptions = {}): Promise<HookedTransformer & { readonly backendName: string }> {
  const shipped = await resolveShippedModel(spec);
  const loaded = await loadWeights(shipped ?? spec, options);
  if (shipped) loaded.source = { ...loaded.source, spec };
  return createHookedTransformer({ ...loaded, backend: options.backend, threads: options.threads, device: options.device });
}
