/**
 * Installs a trained run into the shipped zoo: measures its planted behaviours through @marr/core's
 * `loadModel`, writes `behaviours.json` and `MODEL_CARD.md`, and copies the Hugging Face folder to
 * `models/<name>/` (with `--checkpoints`, also every checkpoint, each measured too).
 *   node install-model.mjs <run folder> <name> [--checkpoints | --quick]
 * (`--quick`: 50 language documents and 50 induction sequences instead of 200 and 100, for a loaded machine)
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadModel } from '@marr/core';
import { measureBehaviours, type BehaviourReport, type MeasureOptions } from '../src/evaluate/behaviours.js';
import { vocabularyFromTokenizerJson } from '../src/tokenizer/word-tokenizer.js';
import { modelCard } from '../src/zoo/model-card.js';
import { SHIPPED_PURPOSES } from '../src/zoo/shipped.js';
import { modelsFolder } from '../src/zoo/package-root.js';
import type { TrainingRecord } from '../src/train/trainer.js';

const [run, name, flag] = process.argv.slice(2);
if (!run || !name) throw new Error('usage: install-model <run folder> <name> [--checkpoints]');
const MODEL_FILES = ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'training.json'];

async function measure(dir: string, options: MeasureOptions = {}): Promise<BehaviourReport> {
  const model = await loadModel(dir);
  const vocab = vocabularyFromTokenizerJson(JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')));
  const report = await measureBehaviours(model, vocab, options);
  await model.dispose();
  return report;
}

function copyModel(from: string, to: string, extra: Record<string, string>): void {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  for (const f of MODEL_FILES) cpSync(join(from, f), join(to, f));
  for (const [f, text] of Object.entries(extra)) writeFileSync(join(to, f), text);
}

const dest = join(modelsFolder(), name);
const record = JSON.parse(readFileSync(join(run, 'training.json'), 'utf8')) as TrainingRecord;
if (flag === '--card-only') {
  // rewrite the card of an installed model from its stored measurements (after a rename)
  const stored = JSON.parse(readFileSync(join(dest, 'behaviours.json'), 'utf8')) as BehaviourReport;
  writeFileSync(join(dest, 'MODEL_CARD.md'), modelCard(name, SHIPPED_PURPOSES[name] ?? name, record, stored));
  process.exit(0);
}
// models trained on the richer refusal protocol are measured on its held-out objects and paraphrases
const refusal = (record.recipe.mix['refusal-protocol'] ?? 0) > 0 ? 'protocol' : 'organism';
const quick = flag === '--quick' ? { languageDocuments: 50, inductionSequences: 50 } : {};
const behaviours = await measure(run, { refusal, ...quick });
console.log(name, JSON.stringify(behaviours));
const purpose = SHIPPED_PURPOSES[name] ?? `the ${record.recipe.name} recipe with seed ${record.seed}`;
copyModel(resolve(run), dest, {
  'behaviours.json': JSON.stringify(behaviours, null, 2) + '\n',
  'MODEL_CARD.md': modelCard(name, purpose, record, behaviours),
});
if (flag === '--checkpoints') {
  for (const step of readdirSync(join(run, 'checkpoints'))) {
    const from = join(run, 'checkpoints', step);
    // checkpoints are measured on fewer language documents and induction sequences, to keep installing quick
    const b = await measure(from, { languageDocuments: 50, inductionSequences: 50 });
    console.log(step, JSON.stringify(b));
    copyModel(from, join(dest, 'checkpoints', step), { 'behaviours.json': JSON.stringify(b, null, 2) + '\n' });
  }
}
process.exit(0);
