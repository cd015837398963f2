/**
 * An HF `tokenizer.json` equivalent to a llama2.c tokenizer, built like the Llama tokenizers that HF's
 * sentencepiece converter (`LlamaConverter` in transformers' convert_slow_tokenizer.py) produces:
 * - normalizer: prepend "▁" (sentencepiece's dummy prefix) and replace spaces by "▁";
 * - model: BPE with byte fallback; the vocabulary is the llama2.c pieces with " " shown as "▁" and BOS/EOS
 *   as `<s>`/`</s>`; the merges are every split of a piece into two pieces of the vocabulary, ordered by the
 *   merged piece's score, highest first (ties keep vocabulary order), as `SentencePieceExtractor` derives them;
 * - post-processor: `<s> $A` (BOS first); decoder: "▁" → " ", byte fallback, fuse, strip one leading space.
 */
import type { Llama2cVocab } from './llama2c-tokenizer-file.js';

const SPIECE_UNDERLINE = '\u2581';

/** The HF piece for a llama2.c piece: BOS/EOS unwrapped, spaces as "▁". */
export function hfPieceOf(piece: string, id: number): string {
  if (id === 0) return '<unk>';
  if (id === 1) return '<s>';
  if (id === 2) return '</s>';
  return piece.replaceAll(' ', SPIECE_UNDERLINE);
}

export function llama2cToTokenizerJson(vocab: Llama2cVocab): Record<string, unknown> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const pieces = vocab.pieces.map((b, id) => {
    try {
      return hfPieceOf(decoder.decode(b), id);
    } catch {
      throw new Error(`llama2.c tokenizer: piece ${id} is not valid UTF-8, which a tokenizer.json vocabulary cannot hold`);
    }
  });
  // No prototype: a piece named "__proto__" or "constructor" is just a piece.
  const vocabMap: Record<string, number> = Object.create(null) as Record<string, number>;
  pieces.forEach((p, id) => {
    if (p in vocabMap) throw new Error(`llama2.c tokenizer: piece ${JSON.stringify(p)} occurs twice (ids ${vocabMap[p]} and ${id})`);
    vocabMap[p] = id;
  });
  // Merges: for each piece (a candidate merge result), every split into two pieces that both exist.
  const candidates: { left: string; right: string; score: number; order: number }[] = [];
  pieces.forEach((piece, id) => {
    if (id < 3 || /^<0x[0-9A-F]{2}>$/.test(piece)) return;
    const chars = Array.from(piece);
    const local: { left: string; right: string }[] = [];
    for (let k = 1; k < chars.length; k++) {
      const left = chars.slice(0, k).join('');
      const right = chars.slice(k).join('');
      if (left in vocabMap && right in vocabMap) local.push({ left, right });
    }
    local.sort((a, b) => vocabMap[a.left] - vocabMap[b.left] || vocabMap[a.right] - vocabMap[b.right]);
    for (const m of local) candidates.push({ ...m, score: vocab.scores[id], order: candidates.length });
  });
  candidates.sort((a, b) => b.score - a.score || a.order - b.order);
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, '<unk>'), special(1, '<s>'), special(2, '</s>')],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: SPIECE_UNDERLINE },
        { type: 'Replace', pattern: { String: ' ' }, content: SPIECE_UNDERLINE },
      ],
    },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '<s>', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '<s>', type_id: 1 } },
        { Sequence: { id: 'B', type_id: 1 } },
      ],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
    },
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: SPIECE_UNDERLINE }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ],
    },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<unk>',
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      // Only vocabularies with the <0x00>..<0xFF> tokens can fall back to bytes (character-level ones map to <unk>).
      byte_fallback: '<0x00>' in vocabMap && '<0xFF>' in vocabMap,
      ignore_merges: false,
      vocab: vocabMap,
      merges: candidates.map((m) => [m.left, m.right]),
    },
  };
}

/** The matching tokenizer_config.json (Llama-style: BOS added, no EOS, no space clean-up). */
export function llama2cTokenizerConfig(maxLength: number): Record<string, unknown> {
  return {
    tokenizer_class: 'LlamaTokenizer',
    bos_token: '<s>',
    eos_token: '</s>',
    unk_token: '<unk>',
    add_bos_token: true,
    add_eos_token: false,
    clean_up_tokenization_spaces: false,
    legacy: true,
    model_max_length: maxLength,
  };
}
