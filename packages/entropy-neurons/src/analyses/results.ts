/** The results contracts of the three analyses, as zod schemas (declared as the analyses' `results`). */
import { z } from '@marr/core';

const finite = z.number().finite();
const fraction = finite.nullable();

export const entropyNeuronSchema = z.object({
  layer: z.number().int().min(0),
  neuron: z.number().int().min(0),
  norm: finite.describe('||w_out|| (processed weights).'),
  logitVar: finite.describe('Variance over the vocabulary of cos(w_out, effective W_U column).'),
  nullSpaceFraction: finite.describe('||U_k^T w_out|| / ||w_out||.'),
  meanActivation: finite.describe('The ablation value: the mean activation over every position of the dataset.'),
  totalEffect: finite.nullable().describe('Mean |dLoss| (nats) over the scored positions, final norm recomputed.'),
  directEffect: finite.nullable().describe('Mean |dLoss| (nats), final norm scale frozen at its clean value.'),
  normMediatedFraction: fraction.describe('1 - directEffect / totalEffect; null when the total effect is 0 or the neuron was not ablated.'),
  ablated: z.boolean().describe('Whether the neuron was mean-ablated (all are unless --param ablate is set); the ablation fields are null otherwise.'),
  lossChange: finite.nullable().describe('Mean signed dLoss (nats), total.'),
  entropyChange: finite.nullable().describe('Mean dEntropy (nats), total.'),
  directEntropyChange: finite.nullable().describe('Mean dEntropy (nats), direct.'),
  argmaxChangeFraction: finite.nullable().describe('Fraction of scored positions whose top token changes, total.'),
});

export const entropyNeuronsResults = z.object({
  layer: z.number().int().min(0),
  nullSpaceK: z.number().int().min(1),
  singularValues: z.array(finite).describe('Singular values of the effective unembedding, descending.'),
  neurons: z.array(entropyNeuronSchema).describe('Every neuron of the layer, in index order.'),
  entropyNeurons: z.array(z.number().int()).describe('The top neurons by nullSpaceFraction, highest first.'),
  tokens: z.number().int().min(0).describe('Scored positions.'),
  ablated: z.number().int().min(0).describe('Neurons mean-ablated.'),
  windows: z.number().int().min(1),
  cleanLoss: finite,
  cleanEntropy: finite,
  units: z.object({ loss: z.literal('nats'), entropy: z.literal('nats') }),
});

export const frequencyNeuronSchema = z.object({
  layer: z.number().int().min(0),
  neuron: z.number().int().min(0),
  norm: finite,
  frequencyScore: finite.describe('cos(w_out W_U, u), u the unit centred log-frequency direction.'),
  meanActivation: finite,
  totalEffect: finite.nullable().describe('Mean |dLoss| (nats), final norm recomputed.'),
  directEffect: finite.nullable().describe('Mean |dLoss| (nats) with the logits\' projection on u restored to its clean value.'),
  frequencyMediatedFraction: fraction.describe('1 - directEffect / totalEffect; null when the total effect is 0 or the neuron was not ablated.'),
  ablated: z.boolean().describe('Whether the neuron was mean-ablated; the ablation fields are null otherwise.'),
  klChange: finite.nullable().describe('Mean change of KL(unigram || model) (nats), total.'),
  directKlChange: finite.nullable().describe('Mean change of KL(unigram || model) (nats) with the projection on u restored.'),
  entropyChange: finite.nullable().describe('Mean dEntropy (nats), total.'),
});

export const tokenFrequencyNeuronsResults = z.object({
  layer: z.number().int().min(0),
  neurons: z.array(frequencyNeuronSchema).describe('Every neuron of the layer, in index order.'),
  frequencyNeurons: z.array(z.number().int()).describe('The top neurons by |frequencyScore|, highest first.'),
  unigram: z.object({
    source: z.enum(['dataset', 'counts-file']),
    tokens: finite.describe('Tokens counted.'),
    smoothing: z.literal(1),
  }),
  tokens: z.number().int().min(0),
  ablated: z.number().int().min(0).describe('Neurons mean-ablated.'),
  windows: z.number().int().min(1),
  cleanLoss: finite,
  cleanKl: finite.describe('Mean KL(unigram || model) (nats) on the clean run.'),
  units: z.object({ loss: z.literal('nats'), kl: z.literal('nats') }),
});

export const inductionEntropyResults = z.object({
  n: z.number().int().min(2).describe('Random tokens per half.'),
  sequences: z.number().int().min(1),
  heads: z.array(z.object({ layer: z.number().int(), head: z.number().int(), score: finite, induction: z.boolean() })),
  inductionHeads: z.array(z.string()).describe('Heads scoring above the threshold, highest first (L{layer}H{head}).'),
  threshold: finite,
  positions: z
    .array(
      z.object({
        position: z.number().int(),
        loss: finite,
        entropy: finite,
        lossAblated: finite.nullable(),
        entropyAblated: finite.nullable(),
        scale: finite.describe("The final norm's divisor, ln_final.hook_scale."),
        scaleAblated: finite.nullable(),
      }),
    )
    .describe('Per position 0..2n-1 (the last position has no next token), means over sequences; ablated: the induction heads BOS-ablated.'),
  neurons: z.array(
    z.object({
      layer: z.number().int(),
      neuron: z.number().int(),
      nullSpaceFraction: finite,
      norm: finite,
      activation: z.array(finite).describe('Mean activation per position (0..2n).'),
      activationAblated: z.array(finite).nullable(),
      firstHalf: finite.describe('Mean activation over the first random half (positions 1..n).'),
      secondHalf: finite.describe('Mean activation over the repeated half (positions n+1..2n).'),
      secondHalfAblated: finite.nullable(),
    }),
  ),
  units: z.object({ loss: z.literal('nats'), entropy: z.literal('nats') }),
});
