/**
 * The zoo's model-name resolver: importing @marr/zoo registers its shipped models (`default`,
 * `organism-seed0-step-<n>`, ...) with core's loadModel, so `loadModel('default')` and `marr run --model
 * default` find them. Core itself knows nothing of the zoo.
 */
import { registerModelResolver, type ModelResolver } from '@marr/core';
import { resolveShippedModel } from './shipped.js';

export const shippedModelResolver: ModelResolver = { name: '@marr/zoo', resolve: resolveShippedModel };

registerModelResolver(shippedModelResolver);
