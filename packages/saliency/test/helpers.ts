import '@marr/zoo'; // registers the shipped model names (default) with loadModel
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel, type HookedTransformer, type Progress, type Tokenizer } from '@marr/core';

const here = dirname(fileURLToPath(import.meta.url));
export const PACKAGE_DIR = join(here, '..');
export const REFUSAL_PROMPTS = join(here, '..', 'examples', 'refusal-prompts.jsonl');

let shipped: Promise<HookedTransformer> | null = null;
/** The shipped default model (its refusal protocol: a forbidden object in the request decides "I" over "Sure"). */
export function defaultModel(): Promise<HookedTransformer> {
  shipped ??= loadModel('default');
  return shipped;
}

export const silent: Progress = { start() {}, tick() {}, done() {} };
export const io = (): { progress: Progress; signal: AbortSignal } => ({ progress: silent, signal: new AbortController().signal });

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
