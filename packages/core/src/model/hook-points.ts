/**
 * TransformerLens hook-point names for a config and a layer schedule, in execution order.
 */
import type { ModelConfig } from './config.js';

/** Names inside block `i` (without the `blocks.{i}.` prefix), in execution order. */
export function blockHookSuffixes(cfg: ModelConfig): string[] {
  const s = ['hook_resid_pre', 'ln1.hook_scale', 'ln1.hook_normalized', 'attn.hook_q', 'attn.hook_k', 'attn.hook_v'];
  if (cfg.positional === 'rotary') s.push('attn.hook_rot_q', 'attn.hook_rot_k');
  s.push('attn.hook_attn_scores', 'attn.hook_pattern', 'attn.hook_z', 'hook_attn_out');
  if (!cfg.parallelAttnMlp) s.push('hook_resid_mid');
  s.push('ln2.hook_scale', 'ln2.hook_normalized', 'mlp.hook_pre');
  if (cfg.gatedMlp) s.push('mlp.hook_pre_linear');
  s.push('mlp.hook_post', 'hook_mlp_out', 'hook_resid_post');
  return s;
}

/** Every hook point for a run of `blockCount` schedule positions. */
export function hookPointNames(cfg: ModelConfig, blockCount = cfg.nLayers): string[] {
  const names = ['hook_embed'];
  if (cfg.positional === 'learned') names.push('hook_pos_embed');
  const suffixes = blockHookSuffixes(cfg);
  for (let i = 0; i < blockCount; i++) for (const s of suffixes) names.push(`blocks.${i}.${s}`);
  names.push('ln_final.hook_scale', 'ln_final.hook_normalized');
  return names;
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
