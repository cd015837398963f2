/**
 * Model names on the command line, resolved through core's model resolvers: the names under "models" in
 * marr.config.json (a resolver registered here) and the zoo's shipped models (registered by @marr/zoo
 * when it is installed and imported). `resolveModelSpecs` maps config names to their folders (so reports
 * record the folder, as before) and leaves everything else to loadModel.
 */
import { registerModelResolver } from '@marr/core';
import { readConfig } from './discovery/config.js';

let zooTried = false;

/** Imports @marr/zoo when it is installed, which registers its shipped models with core. */
export async function registerInstalledModelResolvers(): Promise<void> {
  if (zooTried) return;
  zooTried = true;
  const pkg = '@marr/zoo';
  await import(pkg).catch(() => undefined);
}

export async function resolveModelSpecs(specs: readonly string[]): Promise<string[]> {
  if (specs.length === 0) return [];
  const config = await readConfig();
  registerModelResolver({ name: 'marr.config.json', resolve: (s) => (Object.hasOwn(config.models, s) ? config.models[s] : null) });
  await registerInstalledModelResolvers();
  return specs.map((s) => (Object.hasOwn(config.models, s) ? config.models[s] : s));
}
