/**
 * Prompts: an optional prefix followed by the entity's name, the prefix one of the paper's presets
 * (wesg52/world-models, feature_datasets/*_PROMPTS) or free text; and the authors' name normalisation
 * for world places ("Paris (France)" -> "France's Paris", "Springfield, Illinois" -> "Illinois's Springfield").
 */

export const PROMPT_PRESETS = {
  empty: '',
  coords: 'What are the lat/lon coordinates of ',
  release: 'When was the release date of ',
  when: 'When did ',
  where_us: 'Where in the United States is ',
} as const;

export type PromptPreset = keyof typeof PROMPT_PRESETS;

/** The authors' `random` prompt: this many random token ids between BOS and the name. */
export const RANDOM_PREFIX_TOKENS = 10;

/**
 * Inserts the authors' random prefix: `count` token ids drawn uniformly from [100, the largest id in the
 * prompts) (from 1 when the vocabulary is that small) after BOS, a fresh draw per prompt.
 */
export function withRandomPrefix(sequences: readonly number[][], bos: number | null, rng: { int(n: number): number }, count = RANDOM_PREFIX_TOKENS): number[][] {
  const high = Math.max(...sequences.flat());
  const low = high > 100 ? 100 : 1;
  return sequences.map((ids) => {
    const first = bos !== null && ids[0] === bos ? 1 : 0;
    const random = Array.from({ length: count }, () => low + rng.int(Math.max(1, high - low)));
    return [...ids.slice(0, first), ...random, ...ids.slice(first)];
  });
}

/** The authors' world_place normalisation (space_world.make_world_prompt_dataset). */
export function normalizeWorldPlaceName(name: string): string {
  const m = /\((.*?)\)/.exec(name);
  if (m) return `${m[1]}'s ${name.replace(/\((.*?)\)/g, '')}`;
  if (name.includes(',')) {
    const parts = name.split(',');
    return `${parts[parts.length - 1].trim()}'s ${parts.slice(0, -1).join(',')}`;
  }
  return name;
}

export type NameStyle = 'as-is' | 'world-place' | 'upper';

export function entityText(name: string, style: NameStyle): string {
  if (style === 'world-place') return normalizeWorldPlaceName(name);
  if (style === 'upper') return name.toUpperCase();
  return name;
}
