import type { AnalysisReference } from '@marr/core';

export const PAPER: AnalysisReference = {
  title: 'Lad, Gurnee & Tegmark (2024), The Remarkable Robustness of LLMs: Stages of Inference?',
  url: 'https://arxiv.org/abs/2406.19384',
};
