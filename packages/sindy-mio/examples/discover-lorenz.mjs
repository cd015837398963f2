// Discover the Lorenz equations from a simulated, slightly noisy series with exact MIO.
// Run after a build: node packages/sindy-mio/examples/discover-lorenz.mjs
import { createRng } from '@marr/core';
import { BUILTIN_SYSTEMS, discoverModel, modelEquations, simulateSystem } from '../dist/index.js';

const lorenz = BUILTIN_SYSTEMS.lorenz;
const { t, x } = simulateSystem(lorenz, 5); // 2501 samples, dt = 0.002
const rng = createRng(1);
const noisy = x.map((v) => v + 0.05 * rng.normal()); // about 0.6% of the state's spread

const found = discoverModel(
  { stateNames: ['x', 'y', 'z'], trajectories: [{ t, x: noisy }] },
  { degree: 2, derivative: 'smoothed-fd', method: 'mio', kMax: 5 }, // k per equation chosen by held-out AICc
);
console.log(modelEquations(found.model, 4).join('\n'));
console.log(`proven optimal: ${found.model.optimal}, gap ${found.model.gap.toExponential(1)}, simulation R^2 ${found.simulationR2[0]?.toFixed(4)}`);
