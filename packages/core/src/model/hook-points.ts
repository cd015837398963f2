/**
 * The one table of hook points. Every hook point's name, axes, short name, when it exists and whether it
 * is opt-in is written here once; hook names, `hookPoints()`, the per-position / per-head restriction of
 * hooks, the shape check on edited values, `actName`, `marr hooks` and the docs table are derived from it.
 */
import type { ModelConfig } from './config.js';

/**
 * Axis names. `pos` is a position in the chunk of tokens being run (its absolute position is the hook
 * context's `tokenOffset` plus the index); `query` and `key` are the two sequence axes of an attention
 * pattern (`key` spans the keys seen so far, earlier decoding steps included); `one` has size 1.
 */
export type HookAxis = 'batch' | 'pos' | 'query' | 'key' | 'head' | 'kvHead' | 'dHead' | 'dModel' | 'dMlp' | 'one';

export interface HookPointSpec {
  /** The name, without `blocks.{i}.` for block hook points. */
  readonly suffix: string;
  /** `model`: one per run (embeddings, final norm); `block`: one per schedule slot. */
  readonly scope: 'model' | 'block';
  readonly axes: readonly HookAxis[];
  /** The short name `actName` accepts (TransformerLens's `get_act_name` spellings). */
  readonly short: string;
  /** What the value is. */
  readonly description: string;
  /** The architectures it exists in; absent means every model. */
  readonly when?: (cfg: ModelConfig) => boolean;
  /**
   * Opt-in points cost memory or time and are computed only when asked for: a hook on them, a cache
   * list that names them, or `optIn` in the run options. They never change the outputs.
   */
  readonly optIn?: 'attnResult' | 'splitQkvInput';
}

const rotary = (c: ModelConfig) => c.positional === 'rotary';
const learned = (c: ModelConfig) => c.positional === 'learned';
const gated = (c: ModelConfig) => c.gatedMlp;
const sequential = (c: ModelConfig) => !c.parallelAttnMlp;
const resid = ['batch', 'pos', 'dModel'] as const;
const scale = ['batch', 'pos', 'one'] as const;
const heads = ['batch', 'pos', 'head', 'dHead'] as const;
const kvHeads = ['batch', 'pos', 'kvHead', 'dHead'] as const;
const pattern = ['batch', 'head', 'query', 'key'] as const;
const neurons = ['batch', 'pos', 'dMlp'] as const;

/** Every hook point, in execution order. */
export const HOOK_POINTS: readonly HookPointSpec[] = [
  { suffix: 'hook_embed', scope: 'model', axes: resid, short: 'embed', description: 'token embeddings' },
  { suffix: 'hook_pos_embed', scope: 'model', axes: resid, short: 'pos_embed', description: 'learned position embeddings', when: learned },
  { suffix: 'hook_resid_pre', scope: 'block', axes: resid, short: 'resid_pre', description: 'residual stream entering the block' },
  { suffix: 'hook_q_input', scope: 'block', axes: ['batch', 'pos', 'head', 'dModel'], short: 'q_input', description: "each query head's copy of the residual before ln1", optIn: 'splitQkvInput' },
  { suffix: 'hook_k_input', scope: 'block', axes: ['batch', 'pos', 'kvHead', 'dModel'], short: 'k_input', description: "each key head's copy of the residual before ln1", optIn: 'splitQkvInput' },
  { suffix: 'hook_v_input', scope: 'block', axes: ['batch', 'pos', 'kvHead', 'dModel'], short: 'v_input', description: "each value head's copy of the residual before ln1", optIn: 'splitQkvInput' },
  { suffix: 'ln1.hook_scale', scope: 'block', axes: scale, short: 'scale', description: "ln1's divisor (replaceable, e.g. frozen)" },
  { suffix: 'ln1.hook_normalized', scope: 'block', axes: resid, short: 'normalized', description: 'attention input after ln1 and its weights' },
  { suffix: 'attn.hook_q', scope: 'block', axes: heads, short: 'q', description: 'queries' },
  { suffix: 'attn.hook_k', scope: 'block', axes: kvHeads, short: 'k', description: 'keys' },
  { suffix: 'attn.hook_v', scope: 'block', axes: kvHeads, short: 'v', description: 'values' },
  { suffix: 'attn.hook_rot_q', scope: 'block', axes: heads, short: 'rot_q', description: 'queries after rotary', when: rotary },
  { suffix: 'attn.hook_rot_k', scope: 'block', axes: kvHeads, short: 'rot_k', description: 'keys after rotary', when: rotary },
  { suffix: 'attn.hook_attn_scores', scope: 'block', axes: pattern, short: 'attn_scores', description: 'scaled, masked attention scores before softmax' },
  { suffix: 'attn.hook_pattern', scope: 'block', axes: pattern, short: 'pattern', description: 'attention pattern (softmax of the scores)' },
  { suffix: 'attn.hook_z', scope: 'block', axes: heads, short: 'z', description: "each head's pattern-weighted values" },
  { suffix: 'attn.hook_result', scope: 'block', axes: ['batch', 'pos', 'head', 'dModel'], short: 'result', description: "each head's output z W_O before the heads are summed (b_O excluded)", optIn: 'attnResult' },
  { suffix: 'hook_attn_out', scope: 'block', axes: resid, short: 'attn_out', description: 'attention output (sum of the heads plus b_O)' },
  { suffix: 'hook_resid_mid', scope: 'block', axes: resid, short: 'resid_mid', description: 'residual after attention', when: sequential },
  { suffix: 'ln2.hook_scale', scope: 'block', axes: scale, short: 'scale', description: "ln2's divisor (replaceable, e.g. frozen)" },
  { suffix: 'ln2.hook_normalized', scope: 'block', axes: resid, short: 'normalized', description: 'MLP input after ln2 and its weights' },
  { suffix: 'mlp.hook_pre', scope: 'block', axes: neurons, short: 'pre', description: 'MLP pre-activation (of the gate, for gated MLPs)' },
  { suffix: 'mlp.hook_pre_linear', scope: 'block', axes: neurons, short: 'pre_linear', description: 'the linear branch of a gated MLP', when: gated },
  { suffix: 'mlp.hook_post', scope: 'block', axes: neurons, short: 'post', description: 'MLP neuron activations' },
  { suffix: 'hook_mlp_out', scope: 'block', axes: resid, short: 'mlp_out', description: 'MLP output' },
  { suffix: 'hook_resid_post', scope: 'block', axes: resid, short: 'resid_post', description: 'residual stream leaving the block' },
  { suffix: 'ln_final.hook_scale', scope: 'model', axes: scale, short: 'scale', description: "the final norm's divisor (replaceable, e.g. frozen)" },
  { suffix: 'ln_final.hook_normalized', scope: 'model', axes: resid, short: 'normalized', description: 'the final norm output, the input of the unembedding' },
];

/** Which opt-in groups a run computes. */
export type OptInSet = ReadonlySet<NonNullable<HookPointSpec['optIn']>>;

export interface HookPointListOptions {
  /** Schedule slots to list (default the model's number of blocks). */
  slots?: number;
  /** Include opt-in hook points: true for all, or a set of groups. Default false. */
  optIn?: boolean | OptInSet;
}

function includes(spec: HookPointSpec, cfg: ModelConfig, optIn: boolean | OptInSet): boolean {
  if (spec.when && !spec.when(cfg)) return false;
  if (!spec.optIn) return true;
  return optIn === true || (optIn !== false && optIn.has(spec.optIn));
}

/** The hook points of a config, in execution order, with their full names. */
export function hookPointTable(cfg: ModelConfig, options: HookPointListOptions = {}): { name: string; slot: number | null; spec: HookPointSpec }[] {
  const slots = options.slots ?? cfg.nLayers;
  const optIn = options.optIn ?? false;
  const live = HOOK_POINTS.filter((s) => includes(s, cfg, optIn));
  const out: { name: string; slot: number | null; spec: HookPointSpec }[] = [];
  const model = live.filter((s) => s.scope === 'model');
  const firstFinal = model.findIndex((s) => s.suffix.startsWith('ln_final'));
  for (const s of model.slice(0, firstFinal)) out.push({ name: s.suffix, slot: null, spec: s });
  for (let i = 0; i < slots; i++) for (const s of live) if (s.scope === 'block') out.push({ name: `blocks.${i}.${s.suffix}`, slot: i, spec: s });
  for (const s of model.slice(firstFinal)) out.push({ name: s.suffix, slot: null, spec: s });
  return out;
}

/** Every hook point name for a run of `slots` schedule slots, in execution order (opt-in points excluded unless asked). */
export function hookPointNames(cfg: ModelConfig, slots = cfg.nLayers, optIn: boolean | OptInSet = false): string[] {
  return hookPointTable(cfg, { slots, optIn }).map((e) => e.name);
}

/** The table entry for a full hook name (`blocks.3.attn.hook_z`), or null when no entry matches. */
export function hookPointSpec(name: string): { spec: HookPointSpec; slot: number | null } | null {
  const m = /^blocks\.(0|[1-9]\d*)\.(.+)$/.exec(name);
  const suffix = m ? m[2] : name;
  const scope = m ? 'block' : 'model';
  const spec = HOOK_POINTS.find((s) => s.suffix === suffix && s.scope === scope);
  return spec ? { spec, slot: m ? Number(m[1]) : null } : null;
}

/** The sizes of each axis for a model and a chunk of `seq` tokens after `past` earlier ones. */
export function axisSizes(cfg: ModelConfig, batch: number, seq: number, past = 0): Record<HookAxis, number> {
  return {
    batch, pos: seq, query: seq, key: past + seq, head: cfg.nHeads, kvHead: cfg.nKvHeads,
    dHead: cfg.dHead, dModel: cfg.dModel, dMlp: cfg.dMlp, one: 1,
  };
}

/** The shape of a hook point's value. */
export function hookPointShape(cfg: ModelConfig, spec: HookPointSpec, batch: number, seq: number, past = 0): number[] {
  const sizes = axisSizes(cfg, batch, seq, past);
  return spec.axes.map((a) => sizes[a]);
}

/** Where the sequence axis (positions, or queries for patterns) and the head axis are, for restricted hooks. */
export function restrictableAxes(spec: HookPointSpec): { pos: number | null; head: number | null } {
  const pos = spec.axes.findIndex((a) => a === 'pos' || a === 'query');
  const head = spec.axes.findIndex((a) => a === 'head' || a === 'kvHead');
  return { pos: pos < 0 ? null : pos, head: head < 0 ? null : head };
}

/**
 * A full hook name from TransformerLens's short spelling: `actName('post', 3)` is
 * `blocks.3.mlp.hook_post`, `actName('resid_pre', 0)`, `actName('scale', 2, 'ln2')`, `actName('embed')`.
 * A full name is returned as it is. `layerType` picks between the norms (`ln1`, `ln2`, `ln_final`).
 */
export function actName(name: string, layer?: number, layerType?: 'ln1' | 'ln2' | 'ln_final'): string {
  if (hookPointSpec(name)) return name;
  const aliases: Record<string, string> = { attn: 'pattern', scores: 'attn_scores', mlp_pre: 'pre', mlp_post: 'post', normalised: 'normalized' };
  const short = aliases[name] ?? name;
  const matches = HOOK_POINTS.filter((s) => s.short === short);
  if (matches.length === 0) throw unknownNameError('activation name', name, [...new Set(HOOK_POINTS.map((s) => s.short))], '(or pass a full hook name)');
  let spec = matches[0];
  if (matches.length > 1) {
    const norm = layerType ?? (layer === undefined ? 'ln_final' : null);
    const pick = matches.find((s) => s.suffix.startsWith(`${norm}.`));
    if (!pick) throw new Error(`actName("${name}"): say which norm with layerType "ln1", "ln2" or "ln_final"`);
    spec = pick;
  }
  if (spec.scope === 'model') return spec.suffix;
  if (layer === undefined || !Number.isInteger(layer) || layer < 0) throw new RangeError(`actName("${name}"): "${spec.suffix}" is inside a block; pass the block's schedule slot as a non-negative integer, e.g. actName("${name}", 0)`);
  return `blocks.${layer}.${spec.suffix}`;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

/** The valid name closest to `name` (for "did you mean" messages). */
export function nearestName(name: string, valid: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const v of valid) {
    const d = editDistance(name, v);
    if (d < bestD) {
      bestD = d;
      best = v;
    }
  }
  return best;
}

export function unknownNameError(kind: string, name: string, valid: readonly string[], hint = ''): Error {
  const near = nearestName(name, valid);
  return new Error(
    `unknown ${kind} "${name}"${near ? `; did you mean "${near}"?` : ''}${hint ? ` ${hint}` : ''}`,
  );
}
