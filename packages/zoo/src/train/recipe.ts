/** A training recipe: the architecture, the data mix and the optimisation settings, as code. */
import type { ModelConfig } from '@marr/core';
import type { CorpusMix } from '../corpus/corpus.js';
import type { VocabularyName } from '../tokenizer/corpus-vocabulary.js';

export interface Recipe {
  name: string;
  description: string;
  /** The architecture; dVocab, bosTokenId and eosTokenId are filled in from the tokenizer. */
  config: Omit<ModelConfig, 'dVocab' | 'bosTokenId' | 'eosTokenId'>;
  mix: CorpusMix;
  batch: number;
  seq: number;
  steps: number;
  maxLr: number;
  minLr: number;
  warmup: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  gradClip: number;
  /** Write checkpoints at log-spaced steps (0, 1, 2, 4, ..., final). */
  checkpoints: boolean;
  /** The tokenizer's vocabulary (default `organism`, the first organisms' whitespace-split one). */
  vocabulary?: VocabularyName;
  /** Float type of the saved weights (default F32); F16 halves the folder and loads as float32. */
  storage?: 'F32' | 'F16';
}
