import type { AnalysisReference } from '@marr/core';

export const REFERENCES: readonly AnalysisReference[] = [
  { title: 'Gurnee, Horsley, Guo, Kheirkhah, Sun, Hathaway, Nanda & Bertsimas (2024), Universal Neurons in GPT2 Language Models', url: 'https://arxiv.org/abs/2401.12181' },
  { title: "The authors' code: wesg52/universal-neurons (correlations_fast.py, analysis/correlations.py, analysis/neuron_df.py, weights.py, explain.py)", url: 'https://github.com/wesg52/universal-neurons' },
];
