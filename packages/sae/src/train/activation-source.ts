/**
 * Where training activations come from: chunks of rows [n, d_in], one pass at a time.
 *
 * - `tableActivationSource`: rows already in memory (a CSV table of vectors, planted data).
 * - `modelActivationSource`: a model's activations at one hook over a text file, computed a batch of
 *   token windows at a time, so memory is bounded by one batch, whatever the file's size.
 */
import {
  streamTextDocuments, streamTokenWindows, hookPointSpec, MarrUsageError,
  type Float32Tensor, type HookedTransformer,
} from '@marr/core';

export interface ActivationSource {
  /** The next chunk of rows, or null at the end of a pass. */
  next(): Promise<Float32Tensor | null>;
  /** Starts another pass from the beginning. */
  restart(): void;
}

/** Rows of an in-memory [n, d_in] tensor, served `chunkRows` at a time. */
export function tableActivationSource(rows: Float32Tensor, chunkRows = 4096): ActivationSource {
  if (rows.shape.length !== 2 || rows.shape[0] < 1) throw new MarrUsageError(`tableActivationSource: expected rows [n, d_in] with n >= 1, got [${rows.shape.join(', ')}]`);
  const [n, d] = rows.shape;
  let at = 0;
  return {
    async next() {
      if (at >= n) return null;
      const end = Math.min(n, at + chunkRows);
      const out: Float32Tensor = { dtype: 'float32', shape: [end - at, d], data: rows.data.subarray(at * d, end * d) };
      at = end;
      return out;
    },
    restart() { at = 0; },
  };
}

export interface ModelActivationOptions {
  /** A text file (.txt paragraphs, .jsonl with "text", .csv with a text column). */
  dataPath: string;
  /** Tokens per window, BOS included (default: min(model nCtx, 128)). */
  contextLength?: number;
  /** Windows per forward pass (default 8). */
  windowsPerBatch?: number;
  /** Leave out the BOS position, whose activations are outliers (default true). */
  excludeBos?: boolean;
}

/** The schedule slot the model must run up to so `hook` is computed (null: the whole model). */
function stopAfter(model: HookedTransformer, hook: string): number | null {
  const found = hookPointSpec(hook);
  if (!found || !model.hookPoints({ optIn: true }).includes(hook)) {
    throw new MarrUsageError(`--hook ${hook} is not a hook point of this model; \`marr hooks --model <m>\` or model.hookPoints() lists them (e.g. blocks.0.hook_resid_post)`);
  }
  return found.slot === null ? (hook.startsWith('hook_') ? 0 : null) : found.slot + 1;
}

/** Activations of `model` at `hook` over the windows of a text file. */
export function modelActivationSource(model: HookedTransformer, hook: string, options: ModelActivationOptions): ActivationSource {
  if (!model.tokenizer) throw new MarrUsageError('the model has no tokenizer, so it cannot read a text file; give --activations <table.csv> instead');
  const tokenizer = model.tokenizer;
  const slot = stopAfter(model, hook);
  const contextLength = options.contextLength ?? Math.min(model.config.nCtx, 128);
  const per = options.windowsPerBatch ?? 8;
  const excludeBos = options.excludeBos ?? true;
  let windows: AsyncGenerator<number[]> | null = null;
  return {
    async next() {
      windows ??= streamTokenWindows(streamTextDocuments(options.dataPath), tokenizer, { contextLength });
      const batch: number[][] = [];
      while (batch.length < per) {
        const w = await windows.next();
        if (w.done) break;
        batch.push(w.value);
      }
      if (batch.length === 0) return null;
      const run = await model.run(batch, { cache: [hook], returnLogits: false, ...(slot !== null && slot > 0 ? { stopAtLayer: slot } : {}) });
      const t = run.cache.get(hook);
      const B = batch.length, T = batch[0].length;
      const d = t.data.length / (B * T);
      const skip = excludeBos && tokenizer.bosTokenId !== null && batch.every((w) => w[0] === tokenizer.bosTokenId) ? 1 : 0;
      const rows = B * (T - skip);
      const out = new Float32Array(rows * d);
      let o = 0;
      for (let b = 0; b < B; b++) {
        const from = (b * T + skip) * d;
        const len = (T - skip) * d;
        out.set(t.data.subarray(from, from + len), o);
        o += len;
      }
      return { dtype: 'float32', shape: [rows, d], data: out };
    },
    restart() { windows = null; },
  };
}
