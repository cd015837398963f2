import '@marr/zoo'; // registers the shipped model names (default) with loadModel
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel, type HookedTransformer, type Progress, type Tokenizer } from '@marr/core';
import { parseInstructions, type Instruction } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
export const ORGANISM = join(here, '..', 'examples', 'organism');

export function organism(name: 'harmful' | 'harmless' | 'harmful_test' | 'harmless_test'): Instruction[] {
  const path = join(ORGANISM, `${name}.json`);
  return parseInstructions(readFileSync(path, 'utf8'), path);
}

let shipped: Promise<HookedTransformer> | null = null;
/** The shipped default model (its refusal protocol: forbidden objects get "I cannot help with that request ."). */
export function defaultModel(): Promise<HookedTransformer> {
  shipped ??= loadModel('default');
  return shipped;
}

export const silent: Progress = { start() {}, tick() {}, done() {} };
export const io = (seed = 0): { progress: Progress; signal: AbortSignal; seed: number } => ({ progress: silent, signal: new AbortController().signal, seed });

/** A whitespace word tokenizer over a fixed vocabulary (id 0 is BOS, 1 EOS). */
export class WordTokenizer implements Tokenizer {
  readonly bosTokenId = 0;
  readonly eosTokenId = 1;
  private readonly ids: Map<string, number>;
  constructor(readonly words: readonly string[]) {
    this.ids = new Map(words.map((w, i) => [w, i]));
  }
  get vocabSize(): number {
    return this.words.length;
  }
  encode(text: string, options: { addBos?: boolean } = {}): number[] {
    const ids = text
      .split(/\s+/)
      .filter((w) => w !== '')
      .map((w) => {
        const id = this.ids.get(w);
        if (id === undefined) throw new Error(`WordTokenizer: unknown word ${w}`);
        return id;
      });
    return options.addBos === false ? ids : [this.bosTokenId, ...ids];
  }
  decode(ids: readonly number[]): string {
    return ids.filter((i) => i > 1).map((i) => this.words[i]).join(' ');
  }
  tokenString(id: number): string {
    return this.words[id];
  }
}
