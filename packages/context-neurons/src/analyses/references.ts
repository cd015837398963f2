import type { AnalysisReference } from '@marr/core';

export const REFERENCES: readonly AnalysisReference[] = [
  { title: 'Quirke, Heindrich, Gurnee & Nanda (2023), Training Dynamics of Contextual N-Grams in Language Models', url: 'https://arxiv.org/abs/2311.00863' },
  { title: 'Authors\' code: luciaquirke/contextual-ngrams (generate_checkpoint_probe_data.py, utils.get_context_effect, generate_ngrams_data.py)', url: 'https://github.com/luciaquirke/contextual-ngrams' },
  { title: 'Gurnee, Nanda, Pauly, Harvey, Troitskii & Bertsimas (2023), Finding Neurons in a Haystack: Case Studies with Sparse Probing', url: 'https://arxiv.org/abs/2305.01610' },
];
