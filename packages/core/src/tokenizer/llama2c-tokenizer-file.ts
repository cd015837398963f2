/**
 * The llama2.c tokenizer file (`tokenizer.bin`, `tok512.bin`): an int32 max token length, then per token a
 * float32 merge score, an int32 byte length and the piece's bytes (UTF-8; sentencepiece's "▁" already
 * replaced by a space; BOS and EOS stored as "\n<s>\n" and "\n</s>\n"). The file does not store the vocabulary
 * size: it is the model's, so the reader takes every entry up to the end of the file.
 */
import { readFile } from 'node:fs/promises';

export interface Llama2cVocab {
  maxTokenLength: number;
  /** Each piece's raw bytes. */
  pieces: Uint8Array[];
  scores: Float32Array;
}

export function parseLlama2cVocab(path: string, bytes: Uint8Array, expectedVocabSize?: number): Llama2cVocab {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4) throw new Error(`llama2.c tokenizer ${path}: ${bytes.length} bytes, too short for the max-token-length field`);
  const maxTokenLength = view.getInt32(0, true);
  if (maxTokenLength <= 0 || maxTokenLength > 1024) {
    throw new Error(`llama2.c tokenizer ${path}: max token length ${maxTokenLength} is implausible; is this a llama2.c tokenizer .bin?`);
  }
  const pieces: Uint8Array[] = [];
  const scores: number[] = [];
  let pos = 4;
  while (pos < bytes.length && (expectedVocabSize === undefined || pieces.length < expectedVocabSize)) {
    if (pos + 8 > bytes.length) throw new Error(`llama2.c tokenizer ${path}: truncated inside entry ${pieces.length} (at byte ${pos})`);
    const score = view.getFloat32(pos, true);
    const len = view.getInt32(pos + 4, true);
    pos += 8;
    if (len < 0 || len > maxTokenLength || pos + len > bytes.length) {
      throw new Error(`llama2.c tokenizer ${path}: entry ${pieces.length} has length ${len} (max ${maxTokenLength}, ${bytes.length - pos} bytes left); the file is corrupt or truncated`);
    }
    pieces.push(bytes.slice(pos, pos + len));
    scores.push(score);
    pos += len;
  }
  if (expectedVocabSize !== undefined && pieces.length !== expectedVocabSize) {
    throw new Error(`llama2.c tokenizer ${path} has ${pieces.length} tokens but the model's vocabulary has ${expectedVocabSize}; is it the model's tokenizer?`);
  }
  if (expectedVocabSize !== undefined && pos !== bytes.length) {
    throw new Error(`llama2.c tokenizer ${path} has ${bytes.length - pos} bytes after the model's ${expectedVocabSize} tokens; is it the model's tokenizer?`);
  }
  if (pieces.length < 3) throw new Error(`llama2.c tokenizer ${path}: only ${pieces.length} tokens; ids 0..2 must be <unk>, BOS and EOS`);
  return { maxTokenLength, pieces, scores: Float32Array.from(scores) };
}

export async function readLlama2cVocab(path: string, expectedVocabSize?: number): Promise<Llama2cVocab> {
  return parseLlama2cVocab(path, new Uint8Array(await readFile(path)), expectedVocabSize);
}
