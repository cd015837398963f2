/**
 * The engine under every patching study: many forward passes, each a batch row with its own
 * activation patches, run in as few batched forwards as the lengths allow, each batch started at the
 * earliest patched schedule slot from a residual saved earlier (the unpatched prefix is never rerun).
 */
import type { Float32Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/tensor.js';
import type { Hook, HookedTransformer, RunOptions } from '../model/types.js';
import { throwIfCancelled } from '../toolkit/cancellation.js';

/** Replace (part of) one activation of one row with a value saved from another run. */
export interface ActivationPatch {
  /** The full hook-point name, e.g. `blocks.3.attn.hook_z`. */
  hook: string;
  /** The activation of one batch row: the hook's shape without the batch axis, row-major. */
  value: Float32Array;
  /** Copy only these positions (query positions for attention patterns). Default: all. */
  positions?: readonly number[];
  /** Copy only these heads (hook points with a head axis). Default: all. */
  heads?: readonly number[];
  /** Copy only these indices of the last axis (the neurons of `mlp.hook_post`). Default: all. */
  neurons?: readonly number[];
}

export interface PatchedRow {
  tokens: readonly number[];
  patches: readonly ActivationPatch[];
  /**
   * Resume at schedule slot `slot` from `residual` (this row's residual entering that slot,
   * [pos, dModel]); every patch must be at `slot` or later.
   */
  start?: { slot: number; residual: Float32Array };
}

export interface PatchedRowsOptions {
  /** Rows per forward pass (default 16). */
  batchSize?: number;
  /** Hook points to return for every row (absolute names). */
  cache?: readonly string[];
  signal?: AbortSignal;
  /** Called after every batch with the number of rows done so far. */
  onBatch?: (rowsDone: number) => void;
}

export interface PatchedRowOutput {
  /** Logits at the last position, [dVocab]. */
  lastLogits: Float32Array;
  /** The requested activations of this row (without the batch axis). */
  cache: Map<string, Float32Array>;
}

/** Where the position and head axes are in one batch row of a hook point's activation. */
export function rowAxes(hook: string): { pos: number; head: number | null } {
  if (hook.endsWith('attn.hook_pattern') || hook.endsWith('attn.hook_attn_scores')) return { pos: 1, head: 0 };
  if (/attn\.hook_(q|k|v|z|rot_q|rot_k|result)$/.test(hook) || /hook_(q|k|v)_input$/.test(hook)) return { pos: 0, head: 1 };
  return { pos: 0, head: null };
}

/** Copies `patch.value` into row `b` of `act` where the patch selects. */
export function applyPatch(act: Float32Tensor, b: number, patch: ActivationPatch): void {
  const rowShape = act.shape.slice(1);
  const rowSize = act.data.length / act.shape[0];
  if (patch.value.length !== rowSize) {
    throw new RangeError(`patch of ${patch.hook}: the saved value has ${patch.value.length} elements but a row of the activation has ${rowSize} ([${rowShape}])`);
  }
  const base = b * rowSize;
  if (!patch.positions && !patch.heads && !patch.neurons) {
    act.data.set(patch.value, base);
    return;
  }
  const { pos, head } = rowAxes(patch.hook);
  if (patch.heads && head === null) throw new RangeError(`patch of ${patch.hook}: heads can only be selected on hook points with a head axis`);
  const strides: number[] = [];
  let acc = 1;
  for (let i = rowShape.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= rowShape[i];
  }
  const posSet = patch.positions ? new Set(patch.positions) : null;
  const headSet = patch.heads ? new Set(patch.heads) : null;
  for (const p of patch.positions ?? []) if (!(p >= 0 && p < rowShape[pos])) throw new RangeError(`patch of ${patch.hook}: position ${p} is outside [0, ${rowShape[pos]})`);
  for (const h of patch.heads ?? []) if (head !== null && !(h >= 0 && h < rowShape[head])) throw new RangeError(`patch of ${patch.hook}: head ${h} is outside [0, ${rowShape[head]})`);
  if (patch.neurons) {
    const last = rowShape.length - 1;
    if (last === pos || last === head) throw new RangeError(`patch of ${patch.hook}: neurons can only be selected on hook points whose last axis is neither positions nor heads`);
    for (const n of patch.neurons) if (!(n >= 0 && n < rowShape[last])) throw new RangeError(`patch of ${patch.hook}: neuron ${n} is outside [0, ${rowShape[last]})`);
    // Element by element (the selected neurons are not contiguous): neuron n sits at n, n + width, ...
    const width = rowShape[last];
    for (const n of new Set(patch.neurons)) for (let i = n; i < rowSize; i += width) {
      if (posSet && !posSet.has(Math.floor(i / strides[pos]) % rowShape[pos])) continue;
      if (headSet && head !== null && !headSet.has(Math.floor(i / strides[head]) % rowShape[head])) continue;
      act.data[base + i] = patch.value[i];
    }
    return;
  }
  // Copy contiguous runs: everything after the innermost selected axis is contiguous.
  const inner = strides[Math.max(pos, head ?? -1)];
  for (let i = 0; i < rowSize; i += inner) {
    if (posSet && !posSet.has(Math.floor(i / strides[pos]) % rowShape[pos])) continue;
    if (headSet && head !== null && !headSet.has(Math.floor(i / strides[head]) % rowShape[head])) continue;
    act.data.set(patch.value.subarray(i, i + inner), base + i);
  }
}

const BLOCK_NAME = /^blocks\.(\d+)\.(.+)$/;

/** The schedule slot of a hook name (-1 outside blocks). */
export function slotOf(hook: string): number {
  const m = BLOCK_NAME.exec(hook);
  return m ? Number(m[1]) : -1;
}

/**
 * Runs every row (grouped by length and start slot, `batchSize` rows per forward) and returns, per
 * row in order, the last-position logits and the requested activations.
 */
export async function runPatchedRows(
  model: HookedTransformer,
  rows: readonly PatchedRow[],
  options: PatchedRowsOptions = {},
): Promise<PatchedRowOutput[]> {
  const batchSize = options.batchSize ?? 16;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const groups = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const key = `${r.tokens.length}:${r.start?.slot ?? -1}`;
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  const out: PatchedRowOutput[] = new Array(rows.length);
  let done = 0;
  for (const members of groups.values()) {
    for (let c = 0; c < members.length; c += batchSize) {
      throwIfCancelled(options.signal);
      const chunk = members.slice(c, c + batchSize);
      const results = await runBatch(model, chunk.map((i) => rows[i]), options.cache ?? []);
      chunk.forEach((rowIndex, k) => (out[rowIndex] = results[k]));
      done += chunk.length;
      options.onBatch?.(done);
    }
  }
  return out;
}

async function runBatch(model: HookedTransformer, rows: readonly PatchedRow[], cacheNames: readonly string[]): Promise<PatchedRowOutput[]> {
  const B = rows.length;
  const T = rows[0].tokens.length;
  const d = model.config.dModel;
  const started = rows[0].start !== undefined;
  const slot = rows[0].start?.slot ?? 0;
  let startAt: RunOptions['startAt'];
  if (started) {
    const resid = new Float32Array(B * T * d);
    rows.forEach((r, b) => {
      if (r.start!.residual.length !== T * d) throw new RangeError(`start residual has ${r.start!.residual.length} values, expected ${T} x ${d}`);
      resid.set(r.start!.residual, b * T * d);
    });
    startAt = { layer: slot, residual: tensor([B, T, d], resid) };
  }
  // A patch of the residual entering the start slot goes straight into the start residual: no hook, so
  // every block can run as a fused graph.
  const entering = `blocks.${slot}.hook_resid_pre`;
  const byHook = new Map<string, { b: number; patch: ActivationPatch }[]>();
  rows.forEach((r, b) => {
    for (const p of r.patches) {
      if (started && slotOf(p.hook) < slot) throw new Error(`internal: patch at ${p.hook} is before the start slot ${slot}`);
      if (startAt && p.hook === entering) {
        applyPatch(startAt.residual, b, p);
        continue;
      }
      const list = byHook.get(p.hook) ?? [];
      list.push({ b, patch: p });
      byHook.set(p.hook, list);
    }
  });
  const hooks: Hook[] = [...byHook].map(([name, list]) => ({
    name,
    edit: (act: Float32Tensor) => {
      for (const { b, patch } of list) applyPatch(act, b, patch);
    },
  }));
  const options: RunOptions = { hooks, returnLogits: false };
  if (cacheNames.length > 0) options.cache = cacheNames;
  if (startAt) options.startAt = startAt;
  const result = await model.run(rows.map((r) => r.tokens), options);
  // Only the last position is read: the final norm and unembedding run on it alone.
  const last = new Float32Array(B * d);
  for (let b = 0; b < B; b++) last.set(result.residual.data.subarray((b * T + T - 1) * d, (b * T + T) * d), b * d);
  const logits = await model.unembed(model.finalNorm(tensor([B, 1, d], last)));
  const V = logits.shape[2];
  return rows.map((_, b) => {
    const cache = new Map<string, Float32Array>();
    for (const n of cacheNames) {
      const t = result.cache.get(n);
      const size = t.data.length / B;
      cache.set(n, t.data.slice(b * size, (b + 1) * size));
    }
    return { lastLogits: logits.data.slice(b * V, (b + 1) * V), cache };
  });
}
