import { z } from 'zod';

const partnerSchema = z.object({
  layer: z.number().int(),
  neuron: z.number().int(),
  corr: z.number().describe('its correlation with this neuron'),
});

export const neuronStatsSchema = z.object({
  wInNorm: z.number(), inputBias: z.number(), wOutNorm: z.number(), inOutCos: z.number(),
  actMean: z.number(), actVar: z.number(), actSkew: z.number(), actKurtosis: z.number(), firingFrequency: z.number().describe('share of kept positions with activation > 0'),
  vocabMean: z.number(), vocabVar: z.number(), vocabSkew: z.number(), vocabKurtosis: z.number().describe('kurtosis (not excess) of cos(w_out, W_U columns)'),
}).describe('weight, activation and vocabulary statistics of the neuron in model 1');

export const neuronSchema = z.object({
  layer: z.number().int(),
  neuron: z.number().int(),
  maxCorr: z.number().describe('mean over the other models of the max correlation with any of their neurons'),
  minMaxCorr: z.number().describe('min over the other models of that max'),
  maxMaxCorr: z.number().describe('max over the other models of that max'),
  partner: z.object({ layer: z.number().int(), neuron: z.number().int() }).describe("the best-matching neuron of model 2"),
  partners: z.array(partnerSchema).describe('the best-matching neuron of each other model, in model order'),
  baselineMaxCorr: z.number().describe('mean over the other models of the max correlation with their randomly rotated activations'),
  minBaselineMaxCorr: z.number().describe('min over the other models of that baseline max'),
  maxBaselineMaxCorr: z.number().describe('max over the other models of that baseline max'),
  excess: z.number().describe('maxCorr - baselineMaxCorr'),
  universal: z.boolean().describe('excess > threshold'),
  stats: neuronStatsSchema,
  families: z.array(z.string()).describe('the families the neuron belongs to (prediction, suppression, unigram, previous-token, position)'),
  explanation: z.object({
    token: z.number().int().describe('current token whose indicator explains the most variance (-1: none)'),
    tokenReduction: z.number(),
    previousToken: z.number().int(),
    previousTokenReduction: z.number(),
    positionReduction: z.number().describe('variance explained by the position (correlation ratio)'),
  }).nullable().describe('variance-reduction explanations (null without tokenFeatures)'),
});

export const layerSummarySchema = z.object({
  layer: z.number().int(),
  neurons: z.number().int(),
  universal: z.number().int(),
  percent: z.number(),
  meanExcess: z.number(),
});

export const universalNeuronsResults = z.object({
  models: z.number().int().describe('models compared (model 1 against each of the others)'),
  tokens: z.number().int().describe('kept positions the correlations are over'),
  windows: z.number().int(),
  threshold: z.number(),
  universal: z.number().int().describe("universal neurons of model 1"),
  percent: z.number(),
  layers: z.array(layerSummarySchema).describe('per layer of model 1: universal counts and percentages'),
  families: z.record(z.string(), z.object({ all: z.number().int(), universal: z.number().int() })).describe('per family: neurons in it, and universal ones'),
  neurons: z.array(neuronSchema).describe('every compared neuron of model 1, layer by layer'),
});

export type UniversalNeuronsResults = z.output<typeof universalNeuronsResults>;
export type NeuronResult = z.output<typeof neuronSchema>;
