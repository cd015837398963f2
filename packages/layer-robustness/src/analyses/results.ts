/**
 * The `results` schemas of the layer-robustness analyses (their public contracts): validated by the
 * runner, published by `marr schema <analysis>`, shown in the docs, and the typed results `stages` gets
 * from its parts through `ctx.run`. Each is checked at compile time against the typed result it carries.
 */
import { z } from '@marr/core';
import type { LayerLocality } from '../attention/locality.js';
import type { SweepResult } from '../interventions/sweep.js';
import type { LogitLensLayer } from '../lens/logit-lens.js';
import type { LayerNeuronCounts } from '../neurons/prediction-neurons.js';
import type { ResidualCka } from '../similarity/cka.js';
import type { StageEvidence } from '../stages/evidence.js';

const metricsStderr = z.object({
  kl: z.number(),
  crossEntropy: z.number(),
  crossEntropyOriginal: z.number(),
  entropy: z.number(),
  entropyOriginal: z.number(),
  accuracy: z.number(),
  accuracyOriginal: z.number(),
  accuracyRetention: z.number().nullable(),
  agreement: z.number(),
});

export const layerInterventionSchema = z.object({
  layer: z.number().int().describe('the deleted layer, or the first of the swapped pair'),
  kl: z.number().describe('mean KL(original || intervened), nats'),
  crossEntropy: z.number().describe('mean cross-entropy against the true next token, nats'),
  crossEntropyOriginal: z.number(),
  entropy: z.number().describe('mean entropy of the next-token distribution, bits'),
  entropyOriginal: z.number(),
  accuracy: z.number().describe('top-1 accuracy against the true next token'),
  accuracyOriginal: z.number(),
  accuracyRetention: z.number().nullable().describe('accuracy / accuracyOriginal; null when the original accuracy is 0'),
  agreement: z.number().describe('fraction of positions where the intervened argmax equals the original argmax'),
  stderr: metricsStderr.describe('standard errors of the means (tokens as independent samples)'),
  tokens: z.number().int().describe('scored positions'),
});

const sweepShape = {
  deletion: z.array(layerInterventionSchema).describe('one row per layer: that block deleted'),
  swap: z.array(layerInterventionSchema).describe('one row per l < L-1: blocks l and l+1 swapped'),
  tokens: z.number().int().describe('scored positions per intervention'),
  windows: z.number().int(),
};

export const layerRobustnessResults = z.object({
  ...sweepShape,
  units: z.object({ kl: z.literal('nats'), crossEntropy: z.literal('nats'), entropy: z.literal('bits') }),
});

export const logitLensLayerSchema = z.object({
  layer: z.number().int(),
  relativeDepth: z.number().describe('layer / (L - 1)'),
  entropy: z.number().describe('mean entropy of the lens distribution, bits'),
  kl: z.number().describe('mean KL(final || lens), nats'),
  finalTopRank: z.number().describe('mean rank of the final top token under the lens (0 = also the lens top token)'),
  finalTopAgreement: z.number().describe("fraction of positions where the lens's top token is the final top token"),
  crossEntropy: z.number().describe('mean cross-entropy of the lens against the true next token, nats'),
  stderr: z.object({ entropy: z.number(), kl: z.number(), finalTopRank: z.number(), finalTopAgreement: z.number(), crossEntropy: z.number() }),
  tokens: z.number().int(),
});

export const logitLensResults = z.object({
  layers: z.array(logitLensLayerSchema).describe('one row per block, the residual stream after it read out'),
  units: z.object({ entropy: z.literal('bits'), kl: z.literal('nats') }),
});

export const layerLocalitySchema = z.object({
  layer: z.number().int(),
  relativeDepth: z.number(),
  byOffset: z.array(z.number()).describe('mean attention on the token 1..maxOffset positions back, pooled over heads'),
  total: z.number().describe('sum of byOffset'),
  perHead: z.array(z.number()).describe('per head: attention on the previous maxOffset tokens'),
});

export const attentionLocalityResults = z.object({
  layers: z.array(layerLocalitySchema),
  maxOffset: z.number().int(),
});

export const layerNeuronCountsSchema = z.object({
  layer: z.number().int(),
  relativeDepth: z.number(),
  prediction: z.number().int().describe('neurons with kurtosis > threshold and skew > skewThreshold'),
  suppression: z.number().int().describe('neurons with kurtosis > threshold and skew < -skewThreshold'),
  total: z.number().int(),
  predictionFraction: z.number(),
  suppressionFraction: z.number(),
  meanSkew: z.number(),
  meanKurtosis: z.number(),
  maxKurtosis: z.number(),
});

export const predictionNeuronsResults = z.object({
  layers: z.array(layerNeuronCountsSchema),
  thresholds: z.object({ kurtosis: z.number(), skew: z.number() }),
  neurons: z.array(z.object({ layer: z.number().int(), skew: z.array(z.number()), kurtosis: z.array(z.number()) })).describe('per layer, every neuron\'s skew and kurtosis'),
});

export const stageEvidenceSchema = z.object({
  stage: z.enum(['detokenization', 'feature engineering', 'prediction ensembling', 'residual sharpening']),
  strength: z.enum(['strong', 'moderate', 'weak', 'none']).describe('how strongly it supports the stage, by the rules stated in the report (STRENGTH_RULES)'),
  evidence: z.string(),
  value: z.number(),
  from: z.number(),
  to: z.number(),
});

export const residualCkaSchema = z.object({
  labels: z.array(z.string()),
  matrix: z.array(z.array(z.number())),
  samples: z.number().int(),
});

export const stagesResults = z.object({
  deletion: sweepShape.deletion,
  swap: sweepShape.swap,
  logitLens: z.array(logitLensLayerSchema),
  attentionLocality: z.array(layerLocalitySchema),
  predictionNeurons: z.array(layerNeuronCountsSchema),
  evidence: z.array(stageEvidenceSchema).describe('each piece of stage evidence, with its number and where it appears (relative depth)'),
  cka: residualCkaSchema.nullable().describe('linear CKA between residual streams; null when ckaSamples=0'),
  tokens: sweepShape.tokens,
  windows: sweepShape.windows,
});

// Compile-time checks: each schema describes exactly the typed result it carries.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameChecks: [
  Same<z.output<typeof layerInterventionSchema>, SweepResult['deletion'][number]>,
  Same<z.output<typeof logitLensLayerSchema>, LogitLensLayer>,
  Same<z.output<typeof layerLocalitySchema>, LayerLocality>,
  Same<z.output<typeof layerNeuronCountsSchema>, LayerNeuronCounts>,
  Same<z.output<typeof stageEvidenceSchema>, StageEvidence>,
  Same<z.output<typeof residualCkaSchema>, ResidualCka>,
] = [true, true, true, true, true, true];
void sameChecks;
