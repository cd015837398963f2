import type { AnalysisReference } from '@marr/core';

export const REFERENCES: readonly AnalysisReference[] = [
  { title: 'Sundararajan, Taly & Yan (2017), Axiomatic Attribution for Deep Networks (integrated gradients)', url: 'https://arxiv.org/abs/1703.01365' },
  { title: 'Authors\' code: ankurtaly/Integrated-Gradients', url: 'https://github.com/ankurtaly/Integrated-Gradients' },
  { title: 'Shrikumar, Greenside, Shcherbina & Kundaje (2016), Not Just a Black Box: Learning Important Features Through Propagating Activation Differences (gradient x input)', url: 'https://arxiv.org/abs/1605.01713' },
  { title: 'Captum: captum.attr.IntegratedGradients and LayerIntegratedGradients (Kokhlikyan et al. 2020)', url: 'https://captum.ai/docs/algorithms' },
];
