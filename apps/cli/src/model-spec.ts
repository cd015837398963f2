/** `--model` values: a name from marr.config.json's "models" maps to its folder; anything else goes to loadModel as is. */
import { readConfig } from './discovery/config.js';

export async function resolveModelSpecs(specs: readonly string[]): Promise<string[]> {
  if (specs.length === 0) return [];
  const config = await readConfig();
  return specs.map((s) => (Object.hasOwn(config.models, s) ? config.models[s] : s));
}
