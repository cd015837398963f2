/**
 * The models shipped inside @marr/zoo: `default` (the quick start's model), four seeds of the `organism`
 * recipe (`organism-seed0..3`), the checkpoint series of seed 0 (`organism-seed0-step-<N>`), and four seeds
 * of the 6-layer `deep` recipe (`deep-seed0..3`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelsFolder } from './package-root.js';

export interface ShippedModel {
  name: string;
  /** Absolute folder path (a Hugging Face model folder). */
  path: string;
  /** `config.json`'s architectures[0], e.g. LlamaForCausalLM. */
  architecture: string;
  parameters: number;
  purpose: string;
}

/** Top-level shipped models and what each is for. */
export const SHIPPED_PURPOSES: Readonly<Record<string, string>> = {
  default: "the quick start's model: the organism architecture trained on the calendar-heavy mix (recipe organism-calendar), with every planted behaviour",
  'organism-seed0': 'the organism recipe with seed 0; its checkpoint series is organism-seed0-step-<N> (training dynamics)',
  'organism-seed1': 'the organism recipe with seed 1 (universality: compare features across seeds)',
  'organism-seed2': 'the organism recipe with seed 2 (universality)',
  'organism-seed3': 'the organism recipe with seed 3 (universality)',
  'deep-seed0': 'the deep recipe with seed 0: 6 layers, the richer refusal protocol with held-out objects and paraphrases (refusal must generalise), F16 weights',
  'deep-seed1': 'the deep recipe with seed 1 (universality across seeds of a 6-layer model)',
  'deep-seed2': 'the deep recipe with seed 2 (universality)',
  'deep-seed3': 'the deep recipe with seed 3 (universality)',
};

const SERIES = 'organism-seed0';
const CHECKPOINT_NAME = /^organism-seed0-step-(\d+)$/;

function readJson(path: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function describe(name: string, path: string, purpose: string): ShippedModel | null {
  const cfg = readJson(join(path, 'config.json'));
  if (!cfg || !existsSync(join(path, 'model.safetensors'))) return null;
  const arch = Array.isArray(cfg.architectures) ? String(cfg.architectures[0]) : String(cfg.model_type ?? 'unknown');
  const training = readJson(join(path, 'training.json'));
  const parameters = typeof training?.parameters === 'number' ? training.parameters : countFromSafetensors(join(path, 'model.safetensors'));
  return { name, path, architecture: arch, parameters, purpose };
}

/** Parameter count from a safetensors header (sum of tensor element counts). */
function countFromSafetensors(path: string): number {
  const buf = readFileSync(path);
  const len = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + len).toString('utf8')) as Record<string, { shape?: number[] }>;
  let n = 0;
  for (const [k, v] of Object.entries(header)) if (k !== '__metadata__' && v.shape) n += v.shape.reduce((a, b) => a * b, 1);
  return n;
}

function checkpointSteps(): number[] {
  const dir = join(modelsFolder(), SERIES, 'checkpoints');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((d) => /^step-(\d+)$/.exec(d))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/** Every shipped model present in this installation: default, the seeds, then the checkpoints by step. */
export function listShippedModels(): ShippedModel[] {
  const out: ShippedModel[] = [];
  for (const [name, purpose] of Object.entries(SHIPPED_PURPOSES)) {
    const m = describe(name, join(modelsFolder(), name), purpose);
    if (m) out.push(m);
  }
  for (const step of checkpointSteps()) {
    const m = describe(`${SERIES}-step-${step}`, join(modelsFolder(), SERIES, 'checkpoints', `step-${step}`), `checkpoint of ${SERIES} after ${step} steps (training dynamics)`);
    if (m) out.push(m);
  }
  return out;
}

/** The absolute folder of the shipped model `name`, or null when no such model ships. */
export function resolveShippedModel(name: string): string | null {
  const cp = CHECKPOINT_NAME.exec(name);
  const path = cp
    ? join(modelsFolder(), SERIES, 'checkpoints', `step-${Number(cp[1])}`)
    : Object.hasOwn(SHIPPED_PURPOSES, name)
      ? join(modelsFolder(), name)
      : null;
  return path && existsSync(join(path, 'config.json')) ? path : null;
}
