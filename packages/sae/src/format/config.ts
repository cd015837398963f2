/**
 * The SAELens `cfg.json`: the fields that change the maths, read into a typed config, with every other
 * field kept as it was so a load-then-save round trip loses nothing.
 *
 * Both SAELens layouts are read: the 6.x one (`architecture`, `metadata.hook_name`) and the older one
 * (`hook_name` at the top level, a top-k SAE written as `activation_fn_str: "topk"` with
 * `activation_fn_kwargs.k`).
 */
export type SaeArchitecture = 'standard' | 'topk' | 'jumprelu';

/**
 * How inputs are normalised before encoding (SAELens `normalize_activations`):
 * - `none`; `expected_average_only_in` (a dataset-wide scale that SAELens folds into the weights when it
 *   saves, so at inference it is the identity, as in SAELens);
 * - `constant_norm_rescale`: each row scaled to norm sqrt(d_in), the scale undone after decoding;
 * - `layer_norm`: each row centred and divided by its (unbiased) standard deviation + 1e-5, undone after decoding.
 */
export type SaeNormalization = 'none' | 'expected_average_only_in' | 'constant_norm_rescale' | 'layer_norm';

/** The dtype the weights are stored in; marr always computes in float32. */
export type SaeDtype = 'float32' | 'float16' | 'bfloat16';

export interface SaeConfig {
  architecture: SaeArchitecture;
  dIn: number;
  dSae: number;
  /** Active latents per row (topk only, else null). */
  k: number | null;
  /** Subtract b_dec from the input before encoding. */
  applyBDecToInput: boolean;
  normalizeActivations: SaeNormalization;
  /** topk only: pre-activations are multiplied by the decoder row norms before the top-k and divided after. */
  rescaleActsByDecoderNorm: boolean;
  /** The model hook the SAE reads, e.g. `blocks.3.hook_resid_post` (null when the cfg names none). */
  hookName: string | null;
  dtype: SaeDtype;
  /** The cfg.json object as read; fields marr does not interpret are written back unchanged. */
  raw: Record<string, unknown>;
}

const ARCHITECTURES: readonly SaeArchitecture[] = ['standard', 'topk', 'jumprelu'];
const NORMALIZATIONS: readonly SaeNormalization[] = ['none', 'expected_average_only_in', 'constant_norm_rescale', 'layer_norm'];
const DTYPES: Record<string, SaeDtype> = {
  float32: 'float32', 'torch.float32': 'float32', float: 'float32',
  float16: 'float16', 'torch.float16': 'float16', half: 'float16',
  bfloat16: 'bfloat16', 'torch.bfloat16': 'bfloat16',
};

function positiveInteger(raw: Record<string, unknown>, key: string, where: string): number {
  const v = raw[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new Error(`${where}: "${key}" must be a positive integer, got ${JSON.stringify(v)}; cfg.json needs d_in and d_sae`);
  }
  return v;
}

/** Reads and checks a cfg.json object (`where` names the file in errors). */
export function parseSaeConfig(raw: unknown, where = 'cfg.json'): SaeConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${where}: must be a JSON object (the SAELens SAE config)`);
  const r = raw as Record<string, unknown>;
  const dIn = positiveInteger(r, 'd_in', where);
  const dSae = positiveInteger(r, 'd_sae', where);
  const kwargs = (r.activation_fn_kwargs && typeof r.activation_fn_kwargs === 'object' ? r.activation_fn_kwargs : {}) as Record<string, unknown>;
  let architecture = (r.architecture ?? 'standard') as string;
  if (architecture === 'standard' && r.activation_fn_str === 'topk') architecture = 'topk'; // SAELens < 6
  if (!ARCHITECTURES.includes(architecture as SaeArchitecture)) {
    throw new Error(`${where}: architecture "${architecture}" is not supported; marr reads ${ARCHITECTURES.join(', ')}`);
  }
  let k: number | null = null;
  if (architecture === 'topk') {
    const kv = r.k ?? kwargs.k;
    if (typeof kv !== 'number' || !Number.isInteger(kv) || kv < 1 || kv > dSae) {
      throw new Error(`${where}: a topk SAE needs "k", an integer in [1, d_sae=${dSae}], got ${JSON.stringify(kv)}`);
    }
    k = kv;
  }
  const norm = (r.normalize_activations ?? 'none') as string;
  if (!NORMALIZATIONS.includes(norm as SaeNormalization)) {
    throw new Error(`${where}: normalize_activations "${norm}" is not supported; use one of ${NORMALIZATIONS.join(', ')}`);
  }
  const dtypeRaw = String(r.dtype ?? 'float32');
  const dtype = DTYPES[dtypeRaw];
  if (!dtype) throw new Error(`${where}: dtype "${dtypeRaw}" is not supported; use float32, float16 or bfloat16`);
  const bool = (key: string, dflt: boolean): boolean => {
    const v = r[key];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'boolean') throw new Error(`${where}: "${key}" must be true or false, got ${JSON.stringify(v)}`);
    return v;
  };
  const meta = (r.metadata && typeof r.metadata === 'object' ? r.metadata : {}) as Record<string, unknown>;
  const hook = r.hook_name ?? meta.hook_name;
  if (hook !== undefined && hook !== null && typeof hook !== 'string') throw new Error(`${where}: hook_name must be a string, got ${JSON.stringify(hook)}`);
  return {
    architecture: architecture as SaeArchitecture,
    dIn,
    dSae,
    k,
    applyBDecToInput: bool('apply_b_dec_to_input', true),
    normalizeActivations: norm as SaeNormalization,
    rescaleActsByDecoderNorm: architecture === 'topk' && bool('rescale_acts_by_decoder_norm', false),
    hookName: (hook as string | undefined) ?? null,
    dtype,
    raw: structuredClone(r),
  };
}

/** The cfg.json object for a config: its raw fields with the interpreted ones written over them (SAELens 6 layout). */
export function saeConfigToJson(cfg: SaeConfig): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(cfg.raw);
  out.architecture = cfg.architecture;
  out.d_in = cfg.dIn;
  out.d_sae = cfg.dSae;
  out.dtype = cfg.dtype;
  out.apply_b_dec_to_input = cfg.applyBDecToInput;
  out.normalize_activations = cfg.normalizeActivations;
  if (cfg.architecture === 'topk') {
    out.k = cfg.k;
    out.rescale_acts_by_decoder_norm = cfg.rescaleActsByDecoderNorm;
    if (out.activation_fn_str === 'topk') delete out.activation_fn_str; // the old spelling would contradict architecture
  }
  if (out.device === undefined) out.device = 'cpu';
  if (cfg.hookName !== null) {
    if ('hook_name' in out || !(out.metadata && typeof out.metadata === 'object')) out.hook_name = cfg.hookName;
    const meta = (out.metadata && typeof out.metadata === 'object' ? out.metadata : {}) as Record<string, unknown>;
    meta.hook_name = cfg.hookName;
    out.metadata = meta;
  }
  return out;
}

/** A fresh config for an SAE marr creates (training, tests). */
export function makeSaeConfig(fields: Partial<Omit<SaeConfig, 'raw'>> & Pick<SaeConfig, 'dIn' | 'dSae'>, raw: Record<string, unknown> = {}): SaeConfig {
  return {
    architecture: fields.architecture ?? 'standard',
    dIn: fields.dIn,
    dSae: fields.dSae,
    k: fields.k ?? null,
    applyBDecToInput: fields.applyBDecToInput ?? true,
    normalizeActivations: fields.normalizeActivations ?? 'none',
    rescaleActsByDecoderNorm: fields.rescaleActsByDecoderNorm ?? false,
    hookName: fields.hookName ?? null,
    dtype: fields.dtype ?? 'float32',
    raw,
  };
}
