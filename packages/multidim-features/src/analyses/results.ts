/** The results contracts of the analyses (validated by the runner; published by `marr schema`). */
import { z } from '@marr/core';

const finite = z.number().finite();

export const irreducibilityResults = z.object({
  setting: z.enum(['cluster', 'demo']).describe("the authors' setting used (real-cluster or toy-demo choices)"),
  points: z.number().int().describe('points in the cloud'),
  axes: z.array(z.string()).length(2).describe('the two coordinates: column names or PC i'),
  varianceShare: finite.nullable().describe('share of the columns\' variance in the two principal components (null for two raw columns)'),
  mixtureIndex: finite.describe('M_ε: the hard share of points with |z| < ε at the optimum'),
  separabilityIndex: finite.describe('S: minimum over angles of the mutual information, in bits'),
  score: finite.describe('(1 − M_ε) · S'),
  epsilon: finite,
  mixtureDirection: z.array(finite).describe('the direction a found by the ascent'),
  mixtureOffset: finite.describe('the offset b found by the ascent'),
  separabilityAngle: finite.describe('the rotation (radians) of the minimum mutual information'),
  mutualInformation: z.object({ angles: z.array(finite), bits: z.array(finite) }).describe('mutual information at every angle tried'),
});

const layerProbe = z.object({
  layer: z.number().int().describe('l < L: blocks.l.hook_resid_pre; L: the last block\'s output'),
  hook: z.string(),
  components: z.number().int().describe('PCA components the probe read'),
  explainedVariance: finite.describe('share of the variance in those components'),
  r2Cos: finite,
  r2Sin: finite,
  r2: finite.describe('mean of the two R²'),
  shuffledR2Mean: finite.nullable().describe('mean R² with the names\' circular order shuffled (null without shuffles)'),
  shuffledR2Max: finite.nullable(),
});

const taskHead = {
  task: z.enum(['days', 'months']),
  template: z.enum(['authors', 'calendar']).describe('the prompt template used'),
  period: z.number().int(),
  problems: z.number().int().describe('prompts (every start and count)'),
  examplePrompt: z.string(),
};

export const circleProbeResults = z.object({
  components: z.number().int(),
  tasks: z.array(z.object({
    ...taskHead, layers: z.array(layerProbe), bestLayer: z.number().int(), bestR2: finite,
    bestPlane: z.object({ mixtureIndex: finite, separabilityIndex: finite }).describe("M_ε and S (real-cluster setting) of the activations projected on the best layer's probe plane"),
  })),
});

const arm = z.object({
  meanLogitDiff: finite.describe('mean logit(original answer) − logit(new answer)'),
  movedFraction: finite.describe('share of pairs whose top token is the new answer'),
  movedAmongNamesFraction: finite.describe('share whose top token among the p answers is the new answer'),
  keptFraction: finite.describe('share whose top token is still the original answer'),
});

export const circleInterventionResults = z.object({
  components: z.number().int(),
  tasks: z.array(z.object({
    ...taskHead,
    layers: z.array(z.object({
      layer: z.number().int(), hook: z.string(), r2: finite.describe('the probe\'s R²'), pairs: z.number().int().describe('(prompt, new start) pairs'),
      before: arm.describe('unedited runs'), intervention: arm.describe('the circle intervention'), meanAblation: arm.describe('control: the mean activation'), fullPatch: arm.describe('control: the whole activation of the prompt (t, b)'),
    })),
    bestLayer: z.number().int().describe('the layer where the intervention moves the most answers'),
  })),
});

export const multidimFeaturesResults = z.object({
  hook: z.string(),
  dSae: z.number().int(),
  method: z.enum(['graph', 'spectral']),
  tokens: z.number().int().describe('tokens read'),
  clusterCount: z.number().int().describe('clusters of two or more features'),
  largestCluster: z.number().int(),
  evaluated: z.number().int().describe('clusters whose M and S were computed'),
  clusters: z.array(z.object({
    rank: z.number().int(),
    cluster: z.number().int().describe('cluster id (index in the clustering)'),
    features: z.array(z.number().int()).describe('SAE latents in the cluster'),
    points: z.number().int().describe('tokens where any of its features fires (capped at maxPoints)'),
    score: finite.describe('mean of [0, (1 − M)·S over pairs with M ≥ 0.01]'),
    components: z.number().int(),
    explainedVarianceRatio: z.array(finite),
    pairs: z.array(z.object({ pcs: z.array(z.number().int()).length(2), mixtureIndex: finite, separabilityIndex: finite, score: finite })),
    topTokens: z.array(z.object({ token: z.string(), count: z.number().int() })),
  })).describe('evaluated clusters, most irreducible first'),
});
