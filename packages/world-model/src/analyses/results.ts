/** The results contract of the world-model analysis (`marr schema world-model`). */
import { z } from '@marr/core';

const num = z.number().nullable();

const targetScores = z.object({
  target: z.string(),
  r2: num,
  pearson: num,
  spearman: num,
  mae: num,
});

export const layerScoresSchema = z.object({
  layer: z.number().int().nullable().describe('The layer whose resid_post was probed (null for a table of precomputed activations).'),
  hookPoint: z.string(),
  alpha: z.number().describe('The ridge penalty chosen by efficient leave-one-out on the training entities.'),
  looMse: z.number().describe('Its leave-one-out mean squared error on the standardised targets (the selection criterion).'),
  r2: num.describe('Test R^2, averaged over the targets (latitude and longitude for places).'),
  pearson: num.describe('Test Pearson r, averaged over the targets.'),
  spearman: num.describe('Test Spearman rho, averaged over the targets.'),
  mae: num.describe('Test mean absolute error in the targets\' units (degrees; years), averaged over the targets.'),
  proximityError: num.describe('Mean over test entities of the fraction of the other test entities whose prediction is nearer to its true value than its own prediction.'),
  haversineKm: num.describe('Places: mean great-circle error of the test predictions in km; null for a time target.'),
  trainR2: num.describe('R^2 on the training entities (how much the probe fits; compare with r2).'),
  perTarget: z.array(targetScores).describe('Test scores of each target on its own.'),
});

const heldOutBlock = z.object({
  group: z.string(),
  size: z.number().int(),
  proximityError: num,
  nominalProximityError: num,
  error: num,
  nominalError: num,
  nominalTestSize: z.number().int(),
});

export const worldModelResults = z.object({
  kind: z.enum(['place', 'scalar']).describe('place: latitude and longitude fitted jointly; scalar: one target (a year).'),
  targets: z.array(z.string()),
  prompt: z.string().describe('The prefix put before every name ("<10 random tokens>" for prompt=random).'),
  suffix: z.string().describe('The text put after every name (empty: the activation is read at the name\'s last token, as in the paper).'),
  entities: z.object({
    rows: z.number().int().describe('Usable rows of the table (a name and every target).'),
    dropped: z.number().int().describe('Rows dropped for an empty name or a missing target (or one that is neither a number nor, for time, a date).'),
    used: z.number().int(),
    train: z.number().int(),
    test: z.number().int(),
    split: z.enum(['column', 'random']),
  }),
  layers: z.array(layerScoresSchema).describe('One probe per layer, in layer order.'),
  best: layerScoresSchema.describe('The layer whose probe has the smallest leave-one-out error (chosen on the training entities alone).'),
  blockHoldout: z
    .object({
      layer: z.number().int().nullable(),
      groupColumn: z.string(),
      alpha: z.number(),
      proximityError: num.describe('Mean over blocks of the held-out block\'s proximity error (among all entities).'),
      nominalProximityError: num.describe('The same for the nominal probe, over the blocks\' nominal test entities.'),
      blocks: z.array(heldOutBlock),
    })
    .nullable(),
  neurons: z
    .object({
      layer: z.number().int(),
      weightAlignment: z.object({
        top: z.array(z.object({ target: z.string(), weight: z.enum(['W_in', 'W_gate', 'W_out']), layer: z.number().int(), neuron: z.number().int(), cosine: z.number() })),
        chance: z.array(z.object({ weight: z.enum(['W_in', 'W_gate', 'W_out']), maxAbsCosine: z.number() })),
      }),
      predictive: z.array(z.object({ target: z.string(), layer: z.number().int(), neuron: z.number().int(), trainR2: num, testR2: num, testPearson: num })),
    })
    .nullable(),
});

export type WorldModelResults = z.output<typeof worldModelResults>;
export type LayerScores = z.output<typeof layerScoresSchema>;
