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
