/**
 * Tokenizers: llama2.c tokenizers, Hugging Face tokenizer.json (with checks), and the conversion between them.
 *
 * @module tokenizers
 */
export { Llama2cTokenizer } from '../tokenizer/llama2c-tokenizer.js';
export { readLlama2cVocab, parseLlama2cVocab, type Llama2cVocab } from '../tokenizer/llama2c-tokenizer-file.js';
export { HfTokenizer, templateBosId, type HfTokenizerOptions } from '../tokenizer/hf-tokenizer.js';
export { llama2cToTokenizerJson, llama2cTokenizerConfig } from '../tokenizer/llama2c-to-tokenizer-json.js';
export { checkTokenizerJson, TOKENIZER_PART_TYPES, MAX_TOKEN_ID_WITHOUT_MODEL, type TokenizerJsonCheckOptions } from '../tokenizer/tokenizer-json-check.js';
