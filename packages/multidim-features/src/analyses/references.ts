import type { AnalysisReference } from '@marr/core';

export const REFERENCES: readonly AnalysisReference[] = [
  { title: 'Engels, Michaud, Liao, Gurnee & Tegmark (2024), Not All Language Model Features Are Linear', url: 'https://arxiv.org/abs/2405.14860' },
  { title: 'Authors\' code: JoshEngels/MultiDimensionalFeatures (reducibility_demos, sae_multid_feature_discovery, intervention)', url: 'https://github.com/JoshEngels/MultiDimensionalFeatures' },
];
