/**
 * `loadModel(spec)`: anything `loadWeights` understands (an HF folder, a llama2.c checkpoint, a minGPT
 * JSON state dict, a hub id), or a model name that a registered resolver turns into a path, wrapped into
 * a runnable hooked transformer.
 *
 * Model names are resolved in one place: packages register resolvers (`registerModelResolver`): the zoo
 * registers its shipped models when it is imported, the CLI the names in marr.config.json. Core knows no
 * package that provides them. A path that exists is never treated as a name.
 */
import { existsSync } from 'node:fs';
import { MarrUsageError } from '../analysis/errors.js';
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

/** Turns a model name into a folder or file path (null when the name is not its own). */
export interface ModelResolver {
  /** Who provides it (e.g. "@marr/zoo", "marr.config.json"); registering the same name again replaces it. */
  name: string;
  resolve(spec: string): string | null | Promise<string | null>;
}

const resolvers: ModelResolver[] = [];

/** Registers (or replaces, by name) a resolver; returns a function that removes it. */
export function registerModelResolver(resolver: ModelResolver): () => void {
  const at = resolvers.findIndex((r) => r.name === resolver.name);
  if (at >= 0) resolvers[at] = resolver;
  else resolvers.push(resolver);
  return () => {
    const i = resolvers.indexOf(resolver);
    if (i >= 0) resolvers.splice(i, 1);
  };
}

/** The registered resolvers, in the order they are asked. */
export function modelResolvers(): readonly ModelResolver[] {
  return [...resolvers];
}

/** The path a registered resolver gives for `spec`, and which resolver gave it; null for paths and unknown names. */
export async function resolveModelName(spec: string): Promise<{ path: string; resolver: string } | null> {
  if (existsSync(spec)) return null;
  for (const r of resolvers) {
    const path = await r.resolve(spec);
    if (path) return { path, resolver: r.name };
  }
  return null;
}

/** @deprecated use resolveModelName: the folder a registered resolver gives for `name`, or null. */
export async function resolveShippedModel(name: string): Promise<string | null> {
  return (await resolveModelName(name))?.path ?? null;
}

export async function loadModel(spec: string, options: LoadModelOptions = {}): Promise<HookedTransformer & { readonly backendName: string }> {
  const named = await resolveModelName(spec);
  if (!named && !spec.includes('/') && !spec.includes('\\') && !existsSync(spec)) {
    const known = resolvers.map((r) => r.name).join(', ') || 'none';
    throw new MarrUsageError(
      `model "${spec}" is not a file or folder, and no model resolver knows that name (registered: ${known}); ` +
        'shipped model names come from @marr/zoo (the marr CLI loads it; in code, import "@marr/zoo" first)',
    );
  }
  const loaded = await loadWeights(named?.path ?? spec, options);
  if (named) loaded.source = { ...loaded.source, spec };
  return createHookedTransformer({ ...loaded, backend: options.backend, threads: options.threads, device: options.device });
}
