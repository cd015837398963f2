/**
 * A word-level tokenizer for the organism corpus.
 *
 * The corpus is generated with spaces around every token (punctuation included), so splitting on
 * whitespace is the whole pre-tokenisation of the first organisms; the deeper ones also split punctuation
 * from words (`splitPunctuation`), which gives the same tokens on corpus text and sensible ones on
 * a user's `Hello, world!`. The vocabulary is saved as a Hugging Face `tokenizer.json`
 * (a WordPiece model whose vocabulary holds whole words only, because Hugging Face tokenizers have no
 * loader for a plain word-level model in @huggingface/transformers), so it loads like any HF tokenizer.
 * `encodeWords` is the fast in-process encoder the trainer uses; a test checks it agrees with the HF load.
 */

export const UNK_TOKEN = '<unk>';
export const BOS_TOKEN = '<bos>';
export const EOS_TOKEN = '<eos>';
export const SPECIAL_TOKENS = [UNK_TOKEN, BOS_TOKEN, EOS_TOKEN] as const;
export const UNK_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;

export interface WordVocabulary {
  /** Token strings by id; ids 0..2 are <unk>, <bos>, <eos>. */
  readonly tokens: readonly string[];
  readonly ids: ReadonlyMap<string, number>;
  /**
   * Split punctuation from words too (Hugging Face's BertPreTokenizer: whitespace, then every punctuation
   * character its own token), so `Hello, world!` is `Hello , world !`. Off for the first organisms, whose
   * tokenizer splits on whitespace only; on for the deeper ones.
   */
  readonly splitPunctuation?: boolean;
}

/** BertPreTokenizer's pieces, with the punctuation class @huggingface/transformers uses. */
const PUNCTUATION = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const BERT_PIECES = new RegExp(`[^\\s${PUNCTUATION}]+|[${PUNCTUATION}]`, 'gu');

/** The pre-tokenizer's pieces of `text` for this vocabulary. */
export function wordPieces(vocab: Pick<WordVocabulary, 'splitPunctuation'>, text: string): string[] {
  return vocab.splitPunctuation ? (text.match(BERT_PIECES) ?? []) : text.split(/\s+/).filter(Boolean);
}

/**
 * Builds the vocabulary from texts plus words that must be present even if rare: specials first, then
 * words by descending frequency (ties in code-point order), so the same inputs give the same ids.
 */
export function buildVocabulary(texts: Iterable<string>, required: Iterable<string> = [], options: { splitPunctuation?: boolean } = {}): WordVocabulary {
  const splitPunctuation = options.splitPunctuation === true;
  const counts = new Map<string, number>();
  for (const t of texts) {
    for (const w of wordPieces({ splitPunctuation }, t)) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  for (const r of required) for (const w of wordPieces({ splitPunctuation }, r)) if (!counts.has(w)) counts.set(w, 0);
  for (const s of SPECIAL_TOKENS) counts.delete(s);
  const words = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([w]) => w);
  const tokens = [...SPECIAL_TOKENS, ...words];
  const ids = new Map(tokens.map((t, i) => [t, i]));
  return splitPunctuation ? { tokens, ids, splitPunctuation } : { tokens, ids };
}

/** Token ids of `text` (no BOS/EOS); unknown words become <unk>. */
export function encodeWords(vocab: WordVocabulary, text: string): number[] {
  const out: number[] = [];
  for (const w of wordPieces(vocab, text)) out.push(vocab.ids.get(w) ?? UNK_ID);
  return out;
}

export function decodeWords(vocab: WordVocabulary, ids: readonly number[]): string {
  return ids.map((i) => vocab.tokens[i] ?? UNK_TOKEN).join(' ');
}

/** The Hugging Face `tokenizer.json` for a vocabulary (BOS prepended by the post-processor, as Llama does). */
export function tokenizerJson(vocab: WordVocabulary): object {
  const vocabObject: Record<string, number> = {};
  vocab.tokens.forEach((t, i) => (vocabObject[t] = i));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content, id) => ({
      id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: vocab.splitPunctuation ? 'BertPreTokenizer' : 'WhitespaceSplit' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: BOS_TOKEN, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: BOS_TOKEN, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: BOS_TOKEN, type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } },
      ],
      special_tokens: { [BOS_TOKEN]: { id: BOS_TOKEN, ids: [BOS_ID], tokens: [BOS_TOKEN] } },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: UNK_TOKEN,
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: vocabObject,
    },
  };
}

/** The companion `tokenizer_config.json`. */
export function tokenizerConfigJson(contextLength: number): object {
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: BOS_TOKEN,
    eos_token: EOS_TOKEN,
    unk_token: UNK_TOKEN,
    add_bos_token: true,
    add_eos_token: false,
    model_max_length: contextLength,
    clean_up_tokenization_spaces: true,
  };
}

/** Reads the vocabulary back from a `tokenizer.json` object written by `tokenizerJson`. */
export function vocabularyFromTokenizerJson(json: unknown, source = 'tokenizer.json'): WordVocabulary {
  const { model, pre_tokenizer: pre } = json as { model?: { type?: string; vocab?: Record<string, number> }; pre_tokenizer?: { type?: string } };
  if (!model || model.type !== 'WordPiece' || !model.vocab) {
    throw new Error(`${source}: not a marr word-level tokenizer (expected model.type "WordPiece" with a vocab); train one with @marr/zoo`);
  }
  const tokens: string[] = [];
  for (const [t, i] of Object.entries(model.vocab)) tokens[i] = t;
  if (tokens.length !== Object.keys(model.vocab).length || tokens.some((t) => t === undefined)) {
    throw new Error(`${source}: vocabulary ids are not contiguous from 0`);
  }
  const ids = new Map(tokens.map((t, i) => [t, i]));
  return pre?.type === 'BertPreTokenizer' ? { tokens, ids, splitPunctuation: true } : { tokens, ids };
}
