/** `marr models`: models shipped with marr (from @marr/zoo, when installed) and local folders from the config. */
import { readConfig } from '../discovery/config.js';
import { formatTable } from '../table.js';

interface ShippedModelInfo {
  name: string;
  path: string;
  architecture: string;
  parameters: number;
  purpose: string;
}

async function shippedModels(): Promise<ShippedModelInfo[]> {
  const pkg = '@marr/zoo';
  try {
    const zoo = (await import(pkg)) as { listShippedModels?: () => ShippedModelInfo[] };
    return typeof zoo.listShippedModels === 'function' ? zoo.listShippedModels() : [];
  } catch {
    return [];
  }
}

export async function modelsCommand(options: { json?: boolean }): Promise<void> {
  const config = await readConfig();
  const shipped = await shippedModels();
  const local = Object.entries(config.models).map(([name, path]) => ({ name, path }));
  if (options.json) {
    process.stdout.write(JSON.stringify({ shipped, local }, null, 2) + '\n');
    return;
  }
  const out: string[] = [];
  if (shipped.length === 0) out.push('No shipped models (install @marr/zoo to get them).');
  else {
    out.push('Shipped models (use the name with --model):');
    out.push(formatTable(['name', 'architecture', 'parameters', 'purpose'], shipped.map((m) => [m.name, m.architecture, String(m.parameters), m.purpose])));
  }
  if (local.length > 0) {
    out.push(`Local models from ${config.path}:`);
    out.push(formatTable(['name', 'path'], local.map((m) => [m.name, m.path])));
  }
  process.stdout.write(out.join('\n') + (out.at(-1)?.endsWith('\n') ? '' : '\n'));
}
