import type { AnalysisReference } from '@marr/core';

export const REFERENCES: readonly AnalysisReference[] = [
  { title: 'Arditi, Obeso, Syed, Paleka, Panickssery, Gurnee & Nanda (2024), Refusal in Language Models Is Mediated by a Single Direction', url: 'https://arxiv.org/abs/2406.11717' },
  { title: 'The authors\' code: andyrdt/refusal_direction (pipeline/submodules, pipeline/utils/hook_utils.py)', url: 'https://github.com/andyrdt/refusal_direction' },
];
