/**
 * Path patching (Wang et al. 2023, "Interpretability in the Wild"; Goldowsky-Dill et al. 2023): how much
 * of the metric moves when the senders' outputs change to their corrupted values but the change may
 * reach the output only through the receivers.
 *
 * Two runs per sender set, both on the clean prompt:
 * 1. the senders' outputs come from the corrupted run; every other head and MLP is frozen at its clean
 *    output except the receivers, which recompute on what reaches them; the receivers' inputs are saved;
 * 2. the receivers' inputs are set to those saved values and everything downstream recomputes freely.
 * The effect therefore travels sender -> (receivers) -> output. With every component (and the logits)
 * as receivers nothing is frozen and path patching equals activation patching of the senders from the
 * corrupted run (`direction: 'noise'`).
 *
 * Component names: senders `L{l}H{h}` (a head's output) and `L{l}MLP`; receivers `L{l}H{h}` (the head's
 * query, key and value inputs), `L{l}H{h}.q` / `.k` / `.v` (one of them), `L{l}MLP` (the MLP's input),
 * a residual hook point (`blocks.{l}.hook_resid_pre`, `_mid`, `_post`), or `logits`.
 */
import type { HookedTransformer } from '../model/types.js';
import type { PatchingMetric } from './metrics.js';
import { mean, normalise, promptPairs, runBaselines, type TokenSequences } from './pairs.js';
import { runPatchedRows, type ActivationPatch, type PatchedRow } from './patched-rows.js';

export type SenderComponent = { kind: 'head'; layer: number; head: number } | { kind: 'mlp'; layer: number };
export type ReceiverComponent =
  | { kind: 'head'; layer: number; head: number; inputs: readonly ('q' | 'k' | 'v')[] }
  | { kind: 'mlp'; layer: number }
  | { kind: 'resid'; layer: number; hook: string }
  | { kind: 'logits' };

const HEAD = /^L(\d+)H(\d+)(?:\.(q|k|v))?$/;
const MLP = /^L(\d+)MLP$/;
const RESID = /^blocks\.(\d+)\.hook_resid_(pre|mid|post)$/;

function layerIn(model: HookedTransformer, l: number, name: string): number {
  if (l >= model.config.nLayers) throw new RangeError(`path patching: ${name} names layer ${l}, but the model has layers 0..${model.config.nLayers - 1}`);
  return l;
}

function headIn(model: HookedTransformer, h: number, name: string): number {
  if (h >= model.config.nHeads) throw new RangeError(`path patching: ${name} names head ${h}, but the model has heads 0..${model.config.nHeads - 1}`);
  return h;
}

export function parseSender(model: HookedTransformer, name: string): SenderComponent {
  const h = HEAD.exec(name);
  if (h && !h[3]) return { kind: 'head', layer: layerIn(model, Number(h[1]), name), head: headIn(model, Number(h[2]), name) };
  const m = MLP.exec(name);
  if (m) return { kind: 'mlp', layer: layerIn(model, Number(m[1]), name) };
  throw new Error(`path patching: sender "${name}" is not a component; use L{layer}H{head} for a head's output or L{layer}MLP for an MLP's`);
}

export function parseReceiver(model: HookedTransformer, name: string): ReceiverComponent {
  if (name === 'logits') return { kind: 'logits' };
  const h = HEAD.exec(name);
  if (h) {
    return { kind: 'head', layer: layerIn(model, Number(h[1]), name), head: headIn(model, Number(h[2]), name), inputs: h[3] ? [h[3] as 'q' | 'k' | 'v'] : ['q', 'k', 'v'] };
  }
  const m = MLP.exec(name);
  if (m) return { kind: 'mlp', layer: layerIn(model, Number(m[1]), name) };
  const r = RESID.exec(name);
  if (r) {
    if (r[2] === 'mid' && model.config.parallelAttnMlp) throw new Error(`path patching: receiver ${name}: this model runs attention and MLP in parallel and has no resid_mid`);
    return { kind: 'resid', layer: layerIn(model, Number(r[1]), name), hook: name };
  }
  throw new Error(
    `path patching: receiver "${name}" is not a component; use L{layer}H{head} (optionally .q, .k or .v), L{layer}MLP, blocks.{layer}.hook_resid_pre|mid|post or logits`,
  );
}

/** Every head (L0H0, L0H1, ...) and MLP (L0MLP, ...) of a model, and `logits`: the receivers of plain activation patching. */
export function everyReceiver(model: HookedTransformer): string[] {
  const out: string[] = [];
  for (let l = 0; l < model.config.nLayers; l++) {
    for (let h = 0; h < model.config.nHeads; h++) out.push(`L${l}H${h}`);
    out.push(`L${l}MLP`);
  }
  out.push('logits');
  return out;
}

export interface PathPatchingOptions {
  model: HookedTransformer;
  clean: TokenSequences;
  corrupted: TokenSequences;
  metric: PatchingMetric;
  receivers: readonly string[];
  batchSize?: number;
  signal?: AbortSignal;
  /** Called after every batch with (runs done, runs in all). */
  onProgress?: (done: number, total: number) => void;
}

export interface PathPatchingResult {
  senders: string[];
  receivers: string[];
  metric: string;
  /** The metric averaged over pairs. */
  value: number;
  /** (value - corrupted) / (clean - corrupted): 1 = no effect through these paths, 0 = the whole corrupted effect. */
  normalised: number;
  clean: number;
  corrupted: number;
}

export interface PathPatchingSweep {
  senderSets: string[][];
  receivers: string[];
  metric: string;
  values: number[];
  normalised: number[];
  clean: number;
  corrupted: number;
}

/** Path patching from one set of senders (patched together) to the receivers. */
export async function pathPatching(options: PathPatchingOptions & { senders: readonly string[] }): Promise<PathPatchingResult> {
  const s = await pathPatchingSweep({ ...options, senderSets: [options.senders] });
  return { senders: s.senderSets[0], receivers: s.receivers, metric: s.metric, value: s.values[0], normalised: s.normalised[0], clean: s.clean, corrupted: s.corrupted };
}

const kvGroup = (model: HookedTransformer, h: number) => Math.floor(h / (model.config.nHeads / model.config.nKvHeads));

/** Path patching from each sender set in turn (batched together) to the same receivers. */
export async function pathPatchingSweep(options: PathPatchingOptions & { senderSets: readonly (readonly string[])[] }): Promise<PathPatchingSweep> {
  const { model, metric } = options;
  const { nLayers: L, nHeads: H } = model.config;
  if (options.senderSets.length === 0) throw new RangeError('path patching: no sender sets given');
  const senderSets = options.senderSets.map((set) => {
    if (set.length === 0) throw new RangeError('path patching: a sender set is empty; name at least one sender (L{layer}H{head} or L{layer}MLP)');
    return set.map((n) => parseSender(model, n));
  });
  if (options.receivers.length === 0) throw new RangeError('path patching: no receivers given; name heads, MLPs, residual hook points or logits');
  const receivers = options.receivers.map((n) => parseReceiver(model, n));
  const toLogits = receivers.some((r) => r.kind === 'logits');

  const receiverHead = new Map<string, Set<'q' | 'k' | 'v'>>();
  const receiverMlp = new Set<number>();
  for (const r of receivers) {
    if (r.kind === 'head') {
      const key = `${r.layer}:${r.head}`;
      const set = receiverHead.get(key) ?? new Set();
      for (const i of r.inputs) set.add(i);
      receiverHead.set(key, set);
    } else if (r.kind === 'mlp') receiverMlp.add(r.layer);
  }
  // Which q/k/v heads of live receivers must stay clean (the inputs that are not receivers).
  const freezeInputs: { layer: number; input: 'q' | 'k' | 'v'; heads: number[] }[] = [];
  for (let l = 0; l < L; l++) {
    const q: number[] = [];
    const kv: Record<'k' | 'v', Map<number, { want: boolean; who: string }[]>> = { k: new Map(), v: new Map() };
    for (let h = 0; h < H; h++) {
      const ins = receiverHead.get(`${l}:${h}`);
      if (!ins) continue;
      if (!ins.has('q')) q.push(h);
      for (const i of ['k', 'v'] as const) {
        const g = kvGroup(model, h);
        const list = kv[i].get(g) ?? [];
        list.push({ want: ins.has(i), who: `L${l}H${h}` });
        kv[i].set(g, list);
      }
    }
    if (q.length) freezeInputs.push({ layer: l, input: 'q', heads: q });
    for (const i of ['k', 'v'] as const) {
      const frozen: number[] = [];
      for (const [g, list] of kv[i]) {
        if (list.every((x) => x.want)) continue;
        if (list.some((x) => x.want)) {
          throw new Error(
            `path patching: ${list.filter((x) => x.want).map((x) => x.who).join(', ')} receive through ${i === 'k' ? 'keys' : 'values'} but ${list.filter((x) => !x.want).map((x) => x.who).join(', ')} share the same ${i === 'k' ? 'key' : 'value'} head (grouped-query attention) and do not; give them the same inputs`,
          );
        }
        frozen.push(g);
      }
      if (frozen.length) freezeInputs.push({ layer: l, input: i, heads: frozen });
    }
  }

  const pairs = promptPairs(options.clean, options.corrupted);
  const P = pairs.clean.length;
  const names: string[] = [];
  for (let l = 0; l < L; l++) {
    names.push(`blocks.${l}.hook_resid_pre`, `blocks.${l}.attn.hook_z`, `blocks.${l}.hook_mlp_out`, `blocks.${l}.attn.hook_q`, `blocks.${l}.attn.hook_k`, `blocks.${l}.attn.hook_v`);
  }
  const base = await runBaselines(model, pairs, metric, names, options);
  const clean = base.clean.cache, corr = base.corrupted.cache;

  // Where the receivers read their input (the names cached in run 1 and patched in run 2).
  const receiverInputs: { hook: string; heads?: number[]; layer: number }[] = [];
  for (const r of receivers) {
    if (r.kind === 'head') {
      for (const i of r.inputs) receiverInputs.push({ hook: `blocks.${r.layer}.attn.hook_${i}`, heads: [i === 'q' ? r.head : kvGroup(model, r.head)], layer: r.layer });
    } else if (r.kind === 'mlp') receiverInputs.push({ hook: `blocks.${r.layer}.ln2.hook_normalized`, layer: r.layer });
    else if (r.kind === 'resid') receiverInputs.push({ hook: r.hook, layer: r.layer });
  }
  const inputNames = [...new Set(receiverInputs.map((r) => r.hook))];

  const firstRows: PatchedRow[] = [];
  const firstSlot: number[] = [];
  for (const set of senderSets) {
    const start = Math.min(...set.map((s) => s.layer));
    firstSlot.push(start);
    const senderHeads = new Set(set.filter((s) => s.kind === 'head').map((s) => `${s.layer}:${(s as { head: number }).head}`));
    const senderMlps = new Set(set.filter((s) => s.kind === 'mlp').map((s) => s.layer));
    for (let i = 0; i < P; i++) {
      const patches: ActivationPatch[] = [];
      for (let l = start; l < L; l++) {
        const z = `blocks.${l}.attn.hook_z`;
        const frozenHeads: number[] = [];
        const sent: number[] = [];
        for (let h = 0; h < H; h++) {
          if (senderHeads.has(`${l}:${h}`)) sent.push(h);
          else if (!receiverHead.has(`${l}:${h}`)) frozenHeads.push(h);
        }
        if (frozenHeads.length) patches.push({ hook: z, value: clean[i].get(z)!, heads: frozenHeads });
        if (sent.length) patches.push({ hook: z, value: corr[i].get(z)!, heads: sent });
        const mlp = `blocks.${l}.hook_mlp_out`;
        if (senderMlps.has(l)) patches.push({ hook: mlp, value: corr[i].get(mlp)! });
        else if (!receiverMlp.has(l)) patches.push({ hook: mlp, value: clean[i].get(mlp)! });
      }
      for (const f of freezeInputs) {
        if (f.layer < start) continue;
        const n = `blocks.${f.layer}.attn.hook_${f.input}`;
        patches.unshift({ hook: n, value: clean[i].get(n)!, heads: f.heads });
      }
      firstRows.push({ tokens: pairs.clean[i], patches, start: { slot: start, residual: clean[i].get(`blocks.${start}.hook_resid_pre`)! } });
    }
  }
  const laterInputs = (slot: number) => inputNames.filter((n) => Number(n.split('.')[1]) >= slot);
  const secondRuns = toLogits ? 0 : firstRows.length;
  const total = firstRows.length + secondRuns;
  // Run 1, per distinct start slot (only inputs at or after the start can be cached there).
  const firstOut = await runGroupedBySlot(model, firstRows, firstSlot, P, laterInputs, options, (d) => options.onProgress?.(d, total));
  let finalLogits: Float32Array[];
  if (toLogits) finalLogits = firstOut.map((o) => o.lastLogits);
  else {
    const secondStart = Math.min(...receiverInputs.map((r) => r.layer));
    const secondRows: PatchedRow[] = firstRows.map((row, k) => {
      const i = k % P;
      const patches: ActivationPatch[] = [];
      for (const r of receiverInputs) {
        // Inputs before the senders' first slot are untouched by run 1: their clean value is already there.
        const value = firstOut[k].cache.get(r.hook) ?? clean[i].get(r.hook) ?? null;
        if (!value) continue;
        patches.push({ hook: r.hook, value, heads: r.heads });
      }
      return { tokens: row.tokens, patches, start: { slot: secondStart, residual: clean[i].get(`blocks.${secondStart}.hook_resid_pre`)! } };
    });
    const secondOut = await runPatchedRows(model, secondRows, {
      batchSize: options.batchSize,
      signal: options.signal,
      onBatch: (d) => options.onProgress?.(firstRows.length + d, total),
    });
    finalLogits = secondOut.map((o) => o.lastLogits);
  }
  const cleanMetric = mean(base.clean.metric);
  const corruptedMetric = mean(base.corrupted.metric);
  const values = senderSets.map((_, s) => mean(Array.from({ length: P }, (_, i) => metric.evaluate(finalLogits[s * P + i], i))));
  return {
    senderSets: options.senderSets.map((s) => [...s]),
    receivers: [...options.receivers],
    metric: metric.name,
    values,
    normalised: values.map((v) => normalise(v, cleanMetric, corruptedMetric)),
    clean: cleanMetric,
    corrupted: corruptedMetric,
  };
}

/** Runs rows grouped by their start slot, caching the names at or after that slot. */
async function runGroupedBySlot(
  model: HookedTransformer,
  rows: readonly PatchedRow[],
  setSlot: readonly number[],
  P: number,
  namesFrom: (slot: number) => string[],
  options: { batchSize?: number; signal?: AbortSignal },
  onDone: (done: number) => void,
) {
  const out = new Array<Awaited<ReturnType<typeof runPatchedRows>>[number]>(rows.length);
  const slots = [...new Set(setSlot)].sort((a, b) => a - b);
  let done = 0;
  for (const slot of slots) {
    const idx: number[] = [];
    setSlot.forEach((s, k) => {
      if (s === slot) for (let i = 0; i < P; i++) idx.push(k * P + i);
    });
    const res = await runPatchedRows(model, idx.map((k) => rows[k]), { batchSize: options.batchSize, signal: options.signal, cache: namesFrom(slot), onBatch: (d) => onDone(done + d) });
    idx.forEach((k, j) => (out[k] = res[j]));
    done += idx.length;
  }
  return out;
}
