/**
 * Data files for worked examples that must run without ../shared: each builder writes one file into
 * generated/data/ from a seeded generator that ships with marr, so the examples are reproducible on a
 * fresh clone.
 */
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@marr/core';
import { dataDir } from './paths.js';

interface DataBuilder {
  file: string;
  /** What the file holds, for the page. */
  description: string;
  write(path: string): Promise<void>;
}

/**
 * The zoo's held-out corpus seed: the stream the shipped models are evaluated on and never trained on
 * (the default model's training record when it names one, else the trainer's constant).
 */
async function zooHeldOutSeed(): Promise<number> {
  const { resolveShippedModel, HELD_OUT_SEED } = await import('@marr/zoo');
  const folder = resolveShippedModel('default');
  if (folder) {
    const record = JSON.parse(await readFile(join(folder, 'training.json'), 'utf8')) as { corpus?: { heldOutSeed?: unknown } };
    if (typeof record.corpus?.heldOutSeed === 'number') return record.corpus.heldOutSeed;
  }
  return HELD_OUT_SEED;
}

export const DATA_BUILDERS: Readonly<Record<string, DataBuilder>> = {
  'zoo-heldout-text': {
    file: 'zoo-heldout.txt',
    description: '300 held-out documents of the @marr/zoo corpus (stories, German, calendar, facts, refusal, induction), one per paragraph',
    async write(path) {
      const { generateCorpus } = await import('@marr/zoo');
      const docs = generateCorpus(await zooHeldOutSeed(), 300);
      await writeFileAtomic(path, docs.map((d) => d.text.replace(/\n\s*\n/g, '\n')).join('\n\n') + '\n');
    },
  },
  'zoo-language-id': {
    file: 'zoo-language-id.jsonl',
    description: 'held-out English stories (label 0) and German passages (label 1) from the @marr/zoo corpus, as JSONL {"text", "label"}',
    async write(path) {
      const { documentStream } = await import('@marr/zoo');
      const lines: string[] = [];
      const counts = { story: 0, german: 0 };
      for (const doc of documentStream(await zooHeldOutSeed())) {
        if (doc.kind !== 'story' && doc.kind !== 'german') continue;
        if (counts[doc.kind] >= 150) continue;
        counts[doc.kind]++;
        lines.push(JSON.stringify({ text: doc.text, label: doc.kind === 'german' ? 1 : 0 }));
        if (counts.story >= 150 && counts.german >= 150) break;
      }
      await writeFileAtomic(path, lines.join('\n') + '\n');
    },
  },
  'zoo-default-sae': {
    file: 'sae-default-topk',
    description: 'an SAELens folder: a top-k SAE (width 768, k 16) trained by `marr sae train` on the shipped default model\'s blocks.1.hook_resid_post, 300k tokens of zoo corpus documents of another seed than the held-out stream',
    async write(path) {
      const { generateCorpus, resolveShippedModel } = await import('@marr/zoo');
      const { runSaeTrainCommand } = await import('@marr/sae');
      const text = `${path}.train.txt`;
      const docs = generateCorpus((await zooHeldOutSeed()) + 1000, 6000);
      await writeFileAtomic(text, docs.map((d) => d.text.replace(/\n\s*\n/g, '\n')).join('\n\n') + '\n');
      const model = resolveShippedModel('default');
      if (!model) throw new Error('zoo-default-sae needs the shipped default model');
      await runSaeTrainCommand({ model, hook: 'blocks.1.hook_resid_post', data: text, architecture: 'topk', width: '768', k: '16', tokens: '300000', seed: '0', out: path });
    },
  },
  'lorenz-series': {
    file: 'lorenz.csv',
    description: 'the Lorenz system (sigma 10, rho 28, beta 8/3) from [-8, 8, 27], 10 time units sampled every 0.002, simulated by @marr/sindy-mio',
    async write(path) {
      const { builtinSystem, simulateSystem } = await import('@marr/sindy-mio');
      const system = builtinSystem('lorenz');
      const { t, x } = simulateSystem(system, 10);
      const d = system.stateNames.length;
      const rows = Array.from(t, (ti, i) => [ti, ...Array.from(x.subarray(i * d, (i + 1) * d))].map((v) => String(v)).join(','));
      await writeFileAtomic(path, [['t', ...system.stateNames].join(','), ...rows].join('\n') + '\n');
    },
  },
};

const built = new Map<string, Promise<string>>();

/** Writes the builder's file once per generation run and returns its absolute path. */
export function buildData(name: string): Promise<string> {
  const builder = DATA_BUILDERS[name];
  if (!builder) throw new Error(`unknown data builder "${name}"; known builders: ${Object.keys(DATA_BUILDERS).join(', ')}`);
  let pending = built.get(name);
  if (!pending) {
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, builder.file);
    pending = builder.write(path).then(() => path);
    built.set(name, pending);
  }
  return pending;
}
