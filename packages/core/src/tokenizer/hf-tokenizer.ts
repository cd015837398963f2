/**
 * Tokenizers from an HF `tokenizer.json` (plus `tokenizer_config.json` when present), run by
 * `@huggingface/transformers`' JS tokenizer implementation and wrapped into marr's `Tokenizer` interface.
 *
 * The tokenizer is built with the `PreTrainedTokenizer` constructor from the parsed JSON, so nothing is
 * fetched: the files are read from the local folder by this module.
 *
 * BOS: `encode` adds BOS by default when the tokenizer's own post-processor adds it (as Llama's
 * `<s> $A` template does) or tokenizer_config.json says `add_bos_token: true`; `defaultAddBos` overrides.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tokenizer } from '../model/types.js';
import { checkTokenizerJson } from './tokenizer-json-check.js';

type HfPreTrainedTokenizer = import('@huggingface/transformers').PreTrainedTokenizer;

export interface HfTokenizerOptions {
  /** BOS id when the tokenizer files do not name one (e.g. from the model's config.json). */
  bosTokenId?: number | null;
  eosTokenId?: number | null;
  /** Whether encode adds BOS by default; default: what the tokenizer files say. */
  defaultAddBos?: boolean;
  source?: string;
  /** The model's vocabulary size: every id in the files must be below it (checked before anything is built). */
  maxVocabSize?: number;
  /**
   * Where the one-time warning goes when a text maps words to the unknown token (default: stderr). A
   * word-level vocabulary silently turns unseen words into `<unk>`, which changes what a prompt means.
   */
  onWarning?: (message: string) => void;
}

export class HfTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly bosTokenId: number | null;
  readonly eosTokenId: number | null;
  /** Whether encode prepends BOS when not told otherwise. */
  readonly addsBosByDefault: boolean;
  /** The unknown token's id (null when the tokenizer has none, e.g. byte-level BPE). */
  readonly unkTokenId: number | null;
  private readonly idToToken: string[];
  private warnedUnknown = false;
  private readonly onWarning: (message: string) => void;

  constructor(
    private readonly inner: HfPreTrainedTokenizer,
    options: HfTokenizerOptions = {},
    /** The BOS id the tokenizer.json post-processor template starts with, if any. */
    templateBos: number | null = null,
    /** The tokenizer.json model's unknown token (a string, or Unigram's id), if any. */
    modelUnk: string | number | null = null,
  ) {
    const vocab = inner.get_vocab();
    let size = 0;
    for (const id of vocab.values()) size = Math.max(size, id + 1);
    this.vocabSize = size;
    this.idToToken = new Array<string>(size).fill('');
    for (const [tok, id] of vocab) this.idToToken[id] = tok;
    this.bosTokenId = inner.bos_token_id ?? templateBos ?? options.bosTokenId ?? null;
    this.eosTokenId = inner.eos_token_id ?? options.eosTokenId ?? null;
    // tokenizer_config.json's unk_token, else the tokenizer model's own (`unk_token` or Unigram's `unk_id`).
    this.unkTokenId = inner.unk_token_id ?? (modelUnk === null ? null : typeof modelUnk === 'number' ? modelUnk : (vocab.get(modelUnk) ?? null));
    this.onWarning = options.onWarning ?? ((m: string) => process.stderr.write(m + '\n'));
    const postProcessorAddsBos = (() => {
      if (this.bosTokenId === null) return false;
      const withSpecial = inner.encode('a', { add_special_tokens: true });
      return withSpecial[0] === this.bosTokenId && inner.encode('a', { add_special_tokens: false })[0] !== this.bosTokenId;
    })();
    this.addsBosByDefault = options.defaultAddBos ?? (this.bosTokenId !== null && (postProcessorAddsBos || inner.add_bos_token === true));
  }

  /** Loads `tokenizer.json` (and `tokenizer_config.json` if present) from a local folder. */
  static async fromFolder(dir: string, options: HfTokenizerOptions = {}): Promise<HfTokenizer> {
    const tokPath = join(dir, 'tokenizer.json');
    if (!existsSync(tokPath)) throw new Error(`${dir} has no tokenizer.json; pass a tokenizer explicitly or add the file`);
    const cfgPath = join(dir, 'tokenizer_config.json');
    const json = parseJson(tokPath, await readFile(tokPath, 'utf8'));
    const config = existsSync(cfgPath) ? parseJson(cfgPath, await readFile(cfgPath, 'utf8')) : {};
    return HfTokenizer.fromJson(json, config, { source: tokPath, ...options });
  }

  /** Builds a tokenizer from parsed tokenizer.json and tokenizer_config.json objects. */
  static async fromJson(tokenizerJson: object, tokenizerConfig: object = {}, options: HfTokenizerOptions = {}): Promise<HfTokenizer> {
    const source = options.source ?? 'tokenizer.json';
    checkTokenizerJson(tokenizerJson, source, { maxVocabSize: options.maxVocabSize });
    if (tokenizerConfig === null || typeof tokenizerConfig !== 'object' || Array.isArray(tokenizerConfig)) {
      throw new Error(`${source}: tokenizer_config.json must be a JSON object`);
    }
    const { PreTrainedTokenizer } = await import('@huggingface/transformers');
    let inner: HfPreTrainedTokenizer;
    try {
      inner = new PreTrainedTokenizer(tokenizerJson, tokenizerConfig);
    } catch (err) {
      throw new Error(`${source}: could not build the tokenizer (${(err as Error).message}); check the file against the tokenizer.json format`);
    }
    const model = (tokenizerJson as { model?: { unk_token?: unknown; unk_id?: unknown } }).model;
    const modelUnk = typeof model?.unk_token === 'string' ? model.unk_token : typeof model?.unk_id === 'number' ? model.unk_id : null;
    return new HfTokenizer(inner, options, templateBosId(tokenizerJson), modelUnk);
  }

  encode(text: string, options: { addBos?: boolean } = {}): number[] {
    const ids = this.inner.encode(text, { add_special_tokens: false });
    if (this.unkTokenId !== null && !this.warnedUnknown && ids.includes(this.unkTokenId)) this.warnUnknown(text);
    const addBos = options.addBos ?? this.addsBosByDefault;
    if (addBos && this.bosTokenId === null) throw new Error('encode: addBos is true but this tokenizer has no BOS token');
    return addBos ? [this.bosTokenId as number, ...ids] : ids;
  }

  /** Warns once per tokenizer, naming the words of `text` that map to the unknown token. */
  private warnUnknown(text: string): void {
    this.warnedUnknown = true;
    const unk = this.unkTokenId as number;
    const words = [...new Set(text.split(/\s+/).filter((w) => w && this.inner.encode(w, { add_special_tokens: false }).includes(unk)))];
    const shown = words.slice(0, 8).map((w) => JSON.stringify(w)).join(', ') + (words.length > 8 ? ` and ${words.length - 8} more` : '');
    const message =
      `warning: the tokenizer has no token for ${shown || 'part of this text'}, so ${words.length === 1 ? 'it becomes' : 'they become'} ` +
      `${this.idToToken[unk]}, which changes what the text says to the model; use words of the model's vocabulary (warned once per tokenizer)`;
    this.onWarning(message);
  }

  decode(ids: readonly number[]): string {
    for (const id of ids) this.checkId(id);
    if (ids.length === 0) return '';
    return this.inner.decode([...ids], { skip_special_tokens: true });
  }

  tokenString(id: number): string {
    this.checkId(id);
    return this.idToToken[id];
  }

  private checkId(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
      throw new RangeError(`token id ${id} is outside the vocabulary (0..${this.vocabSize - 1})`);
    }
  }
}

/**
 * The id of the special token a `TemplateProcessing` post-processor puts first in a single sequence
 * (`<s> $A` for Llama), also inside a `Sequence` of post-processors; null when there is none.
 */
export function templateBosId(tokenizerJson: object): number | null {
  type Piece = { SpecialToken?: { id: string } };
  type Proc = { type?: string; single?: Piece[]; special_tokens?: Record<string, { ids?: number[] }>; processors?: Proc[] };
  const visit = (p: Proc | null | undefined): number | null => {
    if (!p || typeof p !== 'object') return null;
    if (p.type === 'Sequence' && Array.isArray(p.processors)) {
      for (const q of p.processors) {
        const id = visit(q);
        if (id !== null) return id;
      }
      return null;
    }
    if (p.type !== 'TemplateProcessing' || !Array.isArray(p.single)) return null;
    const first = p.single[0]?.SpecialToken?.id;
    const ids = first !== undefined ? p.special_tokens?.[first]?.ids : undefined;
    return Array.isArray(ids) && typeof ids[0] === 'number' ? ids[0] : null;
  };
  return visit((tokenizerJson as { post_processor?: Proc }).post_processor);
}

function parseJson(path: string, text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
}
