/**
 * The llama2.c tokenizer, encoding exactly as karpathy/llama2.c `run.c` does:
 * 1. BOS (id 1) when asked; then, for non-empty text, the token for " " (sentencepiece's dummy prefix);
 * 2. each UTF-8 code point (run.c groups a byte with up to 3 continuation bytes) becomes its token, or, when
 *    the code point is not in the vocabulary, one byte-fallback token per byte (id = byte + 3);
 * 3. repeatedly merge the adjacent pair whose concatenated piece is in the vocabulary with the highest score
 *    (the leftmost pair on ties; scores must beat run.c's starting best of -1e10) until no pair merges.
 * Decoding maps byte tokens `<0xNN>` back to bytes, drops <unk>/BOS/EOS and strips the space that follows BOS.
 *
 * Pieces are compared as byte strings, as in run.c (held as latin1 JS strings, one char per byte). Run.c's
 * quadratic merge loop is replaced by a heap over a linked list that makes the same choices (highest score,
 * then leftmost), so long texts stay fast; the tests check it against a direct transcription of the loop.
 */
import type { Tokenizer } from '../model/types.js';
import { readLlama2cVocab, type Llama2cVocab } from './llama2c-tokenizer-file.js';

const RUN_C_INITIAL_BEST = -1e10;

const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

export class Llama2cTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly bosTokenId = 1;
  readonly eosTokenId = 2;
  /** Pieces as byte strings (latin1). */
  readonly pieces: readonly string[];
  readonly scores: Float32Array;
  private readonly lookup = new Map<string, number>();
  private readonly byteOfToken: Int16Array;
  private readonly spaceId: number;

  constructor(vocab: Llama2cVocab, readonly source = 'llama2.c tokenizer') {
    this.pieces = vocab.pieces.map(latin1);
    this.scores = vocab.scores;
    this.vocabSize = this.pieces.length;
    // run.c binary-searches a sorted copy; with duplicate pieces the first id is taken here.
    this.pieces.forEach((p, id) => {
      if (!this.lookup.has(p)) this.lookup.set(p, id);
    });
    this.byteOfToken = new Int16Array(this.vocabSize).fill(-1);
    this.pieces.forEach((p, id) => {
      const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(p);
      if (m) this.byteOfToken[id] = parseInt(m[1], 16);
    });
    this.byteFallback = this.byteOfToken.length > 258 && this.byteOfToken[3] === 0 && this.byteOfToken[258] === 255;
    this.spaceId = this.lookup.get(' ') ?? -1;
  }

  /** Whether ids 3..258 are the byte tokens <0x00>..<0xFF>. */
  private readonly byteFallback: boolean;

  static async fromFile(path: string, expectedVocabSize?: number): Promise<Llama2cTokenizer> {
    return new Llama2cTokenizer(await readLlama2cVocab(path, expectedVocabSize), path);
  }

  /** Token ids of `text`; BOS is prepended unless `addBos` is false. */
  encode(text: string, options: { addBos?: boolean; addEos?: boolean } = {}): number[] {
    const initial = this.initialTokens(text);
    const merged = this.merge(initial);
    const out = options.addBos === false ? merged : [this.bosTokenId, ...merged];
    if (options.addEos) out.push(this.eosTokenId);
    return out;
  }

  /** Steps 1-2 of run.c's encode (without BOS): the dummy prefix and the per-code-point tokens. */
  initialTokens(text: string): number[] {
    const tokens: number[] = [];
    if (text.length === 0) return tokens;
    if (this.spaceId < 0) throw new Error(`${this.source}: the vocabulary has no " " piece for sentencepiece's dummy prefix`);
    tokens.push(this.spaceId);
    const bytes = Buffer.from(text, 'utf8');
    let i = 0;
    while (i < bytes.length) {
      // a code point: one byte plus up to three continuation bytes (10xxxxxx), as run.c groups them
      let j = i + 1;
      while (j < bytes.length && (bytes[j] & 0xc0) === 0x80 && j - i < 4) j++;
      const piece = bytes.toString('latin1', i, j);
      const id = this.lookup.get(piece);
      if (id !== undefined) tokens.push(id);
      else {
        // Vocabularies without byte tokens (character-level ones) get one <unk> per code point, as
        // sentencepiece does; run.c would emit byte + 3, which names unrelated tokens there.
        if (!this.byteFallback) tokens.push(0);
        else for (let k = i; k < j; k++) tokens.push(bytes[k] + 3);
      }
      i = j;
    }
    return tokens;
  }

  /** The id of the piece `a + b` when it exists and would be merged, else -1. */
  private pairId(a: number, b: number): number {
    const id = this.lookup.get(this.pieces[a] + this.pieces[b]);
    return id !== undefined && this.scores[id] > RUN_C_INITIAL_BEST ? id : -1;
  }

  /** Step 3 of run.c's encode: greedy best-score merging (highest score, leftmost on ties). */
  merge(initial: readonly number[]): number[] {
    const n = initial.length;
    if (n < 2) return [...initial];
    const tok = Int32Array.from(initial);
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    const alive = new Uint8Array(n).fill(1);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    // A max-heap of candidate merges (score desc, position asc). Entries go stale when a neighbour changes;
    // each entry records the two tokens it was computed for and is skipped unless they are still there.
    const heap = new PairHeap();
    const push = (i: number): void => {
      const j = next[i];
      if (i < 0 || j < 0) return;
      const id = this.pairId(tok[i], tok[j]);
      if (id >= 0) heap.push({ score: this.scores[id], left: i, leftTok: tok[i], rightTok: tok[j], id });
    };
    for (let i = 0; i < n - 1; i++) push(i);
    for (;;) {
      const top = heap.pop();
      if (!top) break;
      const i = top.left;
      const j = next[i];
      if (!alive[i] || j < 0 || tok[i] !== top.leftTok || tok[j] !== top.rightTok) continue;
      tok[i] = top.id;
      alive[j] = 0;
      next[i] = next[j];
      if (next[j] >= 0) prev[next[j]] = i;
      if (prev[i] >= 0) push(prev[i]);
      push(i);
    }
    const out: number[] = [];
    for (let i = 0; i >= 0; i = next[i]) out.push(tok[i]);
    return out;
  }

  decode(ids: readonly number[]): string {
    const chunks: Buffer[] = [];
    let prev = -1;
    for (const id of ids) {
      this.checkId(id);
      if (id <= 2) {
        prev = id;
        continue; // <unk>, BOS and EOS are dropped
      }
      const byte = this.byteOfToken[id];
      if (byte >= 0) chunks.push(Buffer.from([byte]));
      else {
        let piece = this.pieces[id];
        if (prev === this.bosTokenId && piece.startsWith(' ')) piece = piece.slice(1);
        chunks.push(Buffer.from(piece, 'latin1'));
      }
      prev = id;
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  tokenString(id: number): string {
    this.checkId(id);
    return Buffer.from(this.pieces[id], 'latin1').toString('utf8');
  }

  private checkId(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
      throw new RangeError(`${this.source}: token id ${id} is outside the vocabulary (0..${this.vocabSize - 1})`);
    }
  }
}

interface PairEntry {
  score: number;
  left: number;
  leftTok: number;
  rightTok: number;
  id: number;
}

/** Binary max-heap on (score desc, left position asc). */
class PairHeap {
  private readonly items: PairEntry[] = [];

  private before(a: PairEntry, b: PairEntry): boolean {
    return a.score > b.score || (a.score === b.score && a.left < b.left);
  }

  push(e: PairEntry): void {
    const h = this.items;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  pop(): PairEntry | undefined {
    const h = this.items;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.before(h[l], h[m])) m = l;
        if (r < h.length && this.before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
