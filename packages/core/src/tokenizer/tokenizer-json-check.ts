/**
 * Structural checks of a parsed tokenizer.json before it reaches the tokenizer library, so a malformed
 * file gets one message saying which part is wrong and what is expected (instead of "Cannot read
 * properties of undefined", "text is not iterable" or a stack overflow), and so no token id is used to
 * size anything before it is checked against the vocabulary.
 *
 * The part types listed are the ones @huggingface/tokenizers builds (its factories' `switch`es).
 */

export const TOKENIZER_PART_TYPES = {
  normalizer: ['BertNormalizer', 'Precompiled', 'Sequence', 'Replace', 'NFC', 'NFD', 'NFKC', 'NFKD', 'Strip', 'StripAccents', 'Lowercase', 'Prepend'],
  pre_tokenizer: ['BertPreTokenizer', 'Sequence', 'Whitespace', 'WhitespaceSplit', 'Metaspace', 'ByteLevel', 'Split', 'Punctuation', 'Digits', 'Replace', 'FixedLength'],
  post_processor: ['TemplateProcessing', 'ByteLevel', 'BertProcessing', 'RobertaProcessing', 'Sequence'],
  decoder: ['ByteLevel', 'WordPiece', 'Metaspace', 'BPEDecoder', 'CTC', 'Sequence', 'Replace', 'Fuse', 'Strip', 'ByteFallback'],
} as const;

/** The key under which each part's `Sequence` holds its members. */
const SEQUENCE_MEMBERS: Record<keyof typeof TOKENIZER_PART_TYPES, string> = {
  normalizer: 'normalizers',
  pre_tokenizer: 'pretokenizers',
  post_processor: 'processors',
  decoder: 'decoders',
};

const MODEL_TYPES = ['BPE', 'WordPiece', 'Unigram'];
/** Nesting of Sequence parts beyond this is refused (real files nest one or two levels). */
const MAX_SEQUENCE_DEPTH = 16;
/** Without a model to compare with, ids above this are refused (a 16M-entry vocabulary is far beyond any real one). */
export const MAX_TOKEN_ID_WITHOUT_MODEL = 2 ** 24;

export interface TokenizerJsonCheckOptions {
  /** The model's vocabulary size: every id must be below it. */
  maxVocabSize?: number;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function kind(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

/**
 * Checks a parsed tokenizer.json; throws `${source}: <part> <problem>; expected <what>`. Returns the
 * vocabulary size it implies (largest id + 1 over model.vocab and added_tokens).
 */
export function checkTokenizerJson(json: unknown, source: string, options: TokenizerJsonCheckOptions = {}): number {
  const fail = (part: string, problem: string, expected: string): never => {
    throw new Error(`${source}: ${part} ${problem}; expected ${expected}`);
  };
  if (!isObject(json)) fail('the file', `is ${kind(json)}`, 'a JSON object with "model" (and optionally normalizer, pre_tokenizer, post_processor, decoder, added_tokens)');
  const root = json as Record<string, unknown>;
  const limit = options.maxVocabSize ?? MAX_TOKEN_ID_WITHOUT_MODEL;
  const limitText = options.maxVocabSize !== undefined ? `below the model's vocabulary size ${options.maxVocabSize}` : `below ${MAX_TOKEN_ID_WITHOUT_MODEL}`;
  const checkId = (part: string, id: unknown): number => {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) fail(part, `is ${kind(id)}`, 'a token id (an integer >= 0)');
    if ((id as number) >= limit) fail(part, `is the token id ${id}`, `an id ${limitText}; the file does not belong to this model or is corrupt`);
    return id as number;
  };

  let size = 0;
  const model = root.model;
  if (!isObject(model)) fail('"model"', `is ${kind(model)}`, 'an object with "type" (BPE, WordPiece or Unigram) and "vocab"');
  const m = model as Record<string, unknown>;
  if (m.type !== undefined && (typeof m.type !== 'string' || !MODEL_TYPES.includes(m.type))) {
    fail('"model.type"', `is ${kind(m.type)}`, `one of ${MODEL_TYPES.join(', ')}`);
  }
  const vocab = m.vocab;
  if (m.type === 'Unigram' || (m.type === undefined && Array.isArray(vocab))) {
    if (!Array.isArray(vocab) || vocab.length === 0) fail('"model.vocab"', `is ${kind(vocab)}`, 'a non-empty array of [piece, score] pairs (a Unigram vocabulary)');
    const entries = vocab as unknown[];
    if (entries.length > limit) fail('"model.vocab"', `has ${entries.length} entries`, `a vocabulary ${limitText}`);
    entries.forEach((e, i) => {
      if (!Array.isArray(e) || typeof e[0] !== 'string' || typeof e[1] !== 'number') fail(`"model.vocab"[${i}]`, `is ${kind(e)}`, 'a [piece, score] pair');
    });
    size = entries.length;
  } else {
    if (!isObject(vocab) || Object.keys(vocab).length === 0) {
      fail('"model.vocab"', `is ${kind(vocab)}`, 'a non-empty object mapping each token string to its id, e.g. {"a": 0, "b": 1}');
    }
    for (const [token, id] of Object.entries(vocab as Record<string, unknown>)) size = Math.max(size, checkId(`"model.vocab"[${JSON.stringify(token)}]`, id) + 1);
    if (m.type === 'BPE' || m.merges !== undefined) {
      const merges = m.merges ?? [];
      if (!Array.isArray(merges)) fail('"model.merges"', `is ${kind(merges)}`, 'an array of merges, each "left right" or ["left", "right"]');
      (merges as unknown[]).forEach((mg, i) => {
        const ok = (typeof mg === 'string' && mg.includes(' ')) || (Array.isArray(mg) && mg.length === 2 && mg.every((x) => typeof x === 'string'));
        if (!ok) fail(`"model.merges"[${i}]`, `is ${kind(mg)}`, 'a merge "left right" or ["left", "right"]');
      });
    }
  }

  const added = root.added_tokens;
  if (added !== undefined && added !== null) {
    if (!Array.isArray(added)) fail('"added_tokens"', `is ${kind(added)}`, 'an array of {"id", "content"} objects');
    (added as unknown[]).forEach((t, i) => {
      if (!isObject(t)) fail(`"added_tokens"[${i}]`, `is ${kind(t)}`, 'an object {"id": <int>, "content": <string>}');
      const tok = t as Record<string, unknown>;
      if (typeof tok.content !== 'string') fail(`"added_tokens"[${i}].content`, `is ${kind(tok.content)}`, 'the token string');
      size = Math.max(size, checkId(`"added_tokens"[${i}].id`, tok.id) + 1);
    });
  }

  for (const part of Object.keys(TOKENIZER_PART_TYPES) as (keyof typeof TOKENIZER_PART_TYPES)[]) {
    const visit = (value: unknown, path: string, depth: number): void => {
      if (value === null || value === undefined) return;
      const types: readonly string[] = TOKENIZER_PART_TYPES[part];
      if (!isObject(value)) fail(`"${path}"`, `is ${kind(value)}`, `null or an object with "type" (${types.join(', ')})`);
      const v = value as Record<string, unknown>;
      if (typeof v.type !== 'string' || !types.includes(v.type)) fail(`"${path}.type"`, `is ${v.type === undefined ? 'missing' : kind(v.type)}`, `one of ${types.join(', ')}`);
      if (v.type === 'Sequence') {
        const key = SEQUENCE_MEMBERS[part];
        if (depth >= MAX_SEQUENCE_DEPTH) fail(`"${part}"`, `nests Sequence more than ${MAX_SEQUENCE_DEPTH} levels deep`, `at most ${MAX_SEQUENCE_DEPTH} levels (real files use one or two)`);
        const members = v[key];
        if (!Array.isArray(members)) fail(`"${path}.${key}"`, `is ${kind(members)}`, `an array of ${part} objects`);
        (members as unknown[]).forEach((mbr, i) => visit(mbr, `${path}.${key}[${i}]`, depth + 1));
      }
    };
    visit(root[part], part, 0);
  }
  return size;
}
