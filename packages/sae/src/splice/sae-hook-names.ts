/**
 * The hook points an SAE spliced at `<hook>` adds, named as SAELens's HookedSAETransformer names them
 * (`<hook>.hook_sae_acts_post`, ...), in the order they are computed.
 */
export const SAE_HOOK_SUFFIXES = [
  'hook_sae_input',
  'hook_sae_acts_pre',
  'hook_sae_acts_post',
  'hook_sae_recons',
  'hook_sae_error',
  'hook_sae_output',
] as const;

export type SaeHookSuffix = (typeof SAE_HOOK_SUFFIXES)[number];

/** `{ hook, suffix }` when `name` is `<hook>.<suffix>` for one of `hooks`, else null. */
export function splitSaeHookName(name: string, hooks: ReadonlySet<string>): { hook: string; suffix: SaeHookSuffix } | null {
  const dot = name.lastIndexOf('.');
  if (dot < 0) return null;
  const hook = name.slice(0, dot);
  const suffix = name.slice(dot + 1);
  if (!hooks.has(hook) || !(SAE_HOOK_SUFFIXES as readonly string[]).includes(suffix)) return null;
  return { hook, suffix: suffix as SaeHookSuffix };
}
