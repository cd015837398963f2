import type { AnalysisReference } from '@marr/core';

export const REFERENCES: readonly AnalysisReference[] = [
  { title: 'Meng, Bau, Andonian & Belinkov (2022), Locating and Editing Factual Associations in GPT', url: 'https://arxiv.org/abs/2202.05262' },
  { title: 'Wang, Variengien, Conmy, Shlegeris & Steinhardt (2023), Interpretability in the Wild: a Circuit for Indirect Object Identification in GPT-2 small', url: 'https://arxiv.org/abs/2211.00593' },
  { title: 'Heimersheim & Nanda (2024), How to use and interpret activation patching', url: 'https://arxiv.org/abs/2404.15255' },
  { title: 'TransformerLens: transformer_lens/patching.py (Nanda et al.)', url: 'https://github.com/TransformerLensOrg/TransformerLens' },
];

export const ATTRIBUTION_REFERENCES: readonly AnalysisReference[] = [
  { title: 'Nanda (2023), Attribution Patching: Activation Patching At Industrial Scale', url: 'https://www.neelnanda.io/mechanistic-interpretability/attribution-patching' },
  { title: 'Syed, Rager & Conmy (2023), Attribution Patching Outperforms Automated Circuit Discovery', url: 'https://arxiv.org/abs/2310.10348' },
  { title: 'Kramár, Lieberum, Shah & Nanda (2024), AtP*: An efficient and scalable method for localizing LLM behaviour to components', url: 'https://arxiv.org/abs/2403.00745' },
  { title: 'TransformerLens: demos/Attribution_Patching_Demo.ipynb (Nanda et al.)', url: 'https://github.com/TransformerLensOrg/TransformerLens' },
  { title: 'Heimersheim & Nanda (2024), How to use and interpret activation patching', url: 'https://arxiv.org/abs/2404.15255' },
];
