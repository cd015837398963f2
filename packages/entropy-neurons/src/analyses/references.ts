import type { AnalysisReference } from '@marr/core';

export const REFERENCES: readonly AnalysisReference[] = [
  { title: 'Stolfo, Wu, Gurnee, Belinkov, Song, Sachan & Nanda (2024), Confidence Regulation Neurons in Language Models', url: 'https://arxiv.org/abs/2406.16254' },
  { title: "The authors' code: bpwu1/confidence-regulation-neurons (utils.py, ablations/, case_studies/)", url: 'https://github.com/bpwu1/confidence-regulation-neurons' },
];
