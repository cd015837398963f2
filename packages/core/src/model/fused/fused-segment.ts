/**
 * Runs consecutive blocks (and, at the end of the schedule, the final norm and unembedding) through
 * one fused graph (see block-graph.ts) when nothing edits a value inside them, then hands every
 * observed or cached hook point to the hooks in execution order.
 */
import type { Float32Tensor } from '../../tensor/tensor.js';
import { HOOK_POINTS } from '../hook-points.js';
import { appendKv, type KvEntry } from '../kv-cache.js';
import type { BlockSlot, LayerContext } from '../layers/context.js';
import { BLOCK_IO, buildSegmentGraph, segmentNames } from './block-graph.js';
import { isSmallProduct } from '../../backend/small-kernels.js';

/** Block hook points a fused graph can expose (opt-in points need the per-kernel path). */
const BLOCK_SUFFIXES = HOOK_POINTS.filter((s) => s.scope === 'block' && !s.optIn);
const FINAL_SUFFIXES = ['ln_final.hook_scale', 'ln_final.hook_normalized'];

/**
 * Models up to this many weights may run several blocks in one graph (each distinct segment compiles
 * its own copy of the weights); larger ones fuse one block at a time, where call overhead is negligible.
 */
export const MULTI_BLOCK_FUSION_MAX_WEIGHTS = 32e6;

/**
 * Larger models do not fuse at all: a fused graph holds its own copy of its blocks' weights beside the
 * per-kernel ones, and at that size the per-kernel path already runs at the matmul roofline.
 */
export const FUSION_MAX_WEIGHTS = 150e6;

/**
 * Whether `slot` should run fused: the backend runs graphs, no edit hook sits in it, no opt-in point is
 * on, and the chunk is not a step of a few rows whose every product is small (those run faster on the
 * JavaScript kernels than through any native call).
 */
export function canFuse(ctx: LayerContext, slot: number, rows: number): boolean {
  if (ctx.backend.runGraph === undefined || !ctx.fused || ctx.hooks.optIn.size > 0 || ctx.hooks.editsInSlot(slot)) return false;
  const { dModel, dMlp, nHeads, nKvHeads, dHead } = ctx.cfg;
  return !isSmallProduct(rows, dModel, Math.max(dMlp, (nHeads + 2 * nKvHeads) * dHead));
}

export interface SegmentRun {
  resid: Float32Tensor;
  kv: (KvEntry | null)[];
  /** Logits when the segment included the unembedding. */
  logits: Float32Tensor | null;
}

export async function fusedSegment(
  ctx: LayerContext,
  resid: Float32Tensor,
  rotary: { cos: Float32Tensor; sin: Float32Tensor } | null,
  mask: Float32Tensor,
  kv: readonly (KvEntry | null)[],
  slots: readonly BlockSlot[],
  keepKv: boolean,
  final: { logits: boolean; lastOnly: boolean } | null,
): Promise<SegmentRun> {
  const { cfg, hooks } = ctx;
  const first = slots[0].slot;
  const residPre = await hooks.point(`blocks.${first}.hook_resid_pre`, resid, slots[0]);
  const hasPast = kv[0] !== null;
  const blocks = slots.map((s) => ({
    ...s,
    outputs: new Set(
      BLOCK_SUFFIXES.filter((p) => (!p.when || p.when(cfg)) && !(s.slot === first && p.suffix === 'hook_resid_pre') && hooks.wants(`blocks.${s.slot}.${p.suffix}`)).map((p) => p.suffix),
    ),
  }));
  const finalOutputs = new Set(final ? FINAL_SUFFIXES.filter((n) => hooks.wants(n)) : []);
  const weights = ctx.weightArrays(slots.map((s) => s.layer), final !== null);
  const feeds: Record<string, Float32Tensor> = { [BLOCK_IO.resid]: residPre, [BLOCK_IO.mask]: mask };
  if (rotary) {
    feeds[BLOCK_IO.cos] = rotary.cos;
    feeds[BLOCK_IO.sin] = rotary.sin;
  }
  slots.forEach((s, i) => {
    const entry = kv[i];
    if (hasPast !== (entry !== null)) throw new Error('internal: a fused segment needs keys and values for all of its slots or none');
    if (entry) {
      feeds[segmentNames.pastK(s.slot)] = entry.k;
      feeds[segmentNames.pastV(s.slot)] = entry.v;
    }
  });
  const signature = [
    'segment',
    blocks.map((b) => `${b.slot}:${b.layer}:${[...b.outputs].join(',')}`).join(';'),
    hasPast ? 'past' : 'nopast',
    keepKv ? 'kv' : 'nokv',
    final ? `final:${final.logits}:${final.lastOnly}:${[...finalOutputs].join(',')}` : 'nofinal',
  ].join('|');
  const build = () =>
    buildSegmentGraph({ cfg, weight: ctx.weight, optionalWeight: ctx.optionalWeight, blocks, hasPast, keepKv, final: final && { ...final, outputs: finalOutputs } }).graph;
  // The exposed hook points in execution order (as the graph builder marks them): block outputs, then the final norm's.
  const exposed = [
    ...blocks.flatMap((b) => BLOCK_SUFFIXES.filter((p) => b.outputs.has(p.suffix)).map((p) => `blocks.${b.slot}.${p.suffix}`)),
    ...FINAL_SUFFIXES.filter((n) => finalOutputs.has(n)),
  ];
  const fetches = [segmentNames.residOut, ...exposed.map(segmentNames.hook)];
  if (keepKv) for (const s of slots) fetches.push(segmentNames.newK(s.slot), segmentNames.newV(s.slot));
  if (final?.logits) fetches.push(segmentNames.logits);
  const out = await ctx.backend.runGraph!(weights, signature, build, feeds, fetches);
  for (const name of exposed) {
    const m = /^blocks\.(\d+)\./.exec(name);
    const at = m ? slots.find((s) => s.slot === Number(m[1]))! : { slot: null, layer: null };
    await hooks.point(name, out[segmentNames.hook(name)], at);
  }
  return {
    resid: out[segmentNames.residOut],
    kv: slots.map((s, i) => (keepKv ? appendKv(kv[i], out[segmentNames.newK(s.slot)], out[segmentNames.newV(s.slot)]) : null)),
    logits: final?.logits ? out[segmentNames.logits] : null,
  };
}
