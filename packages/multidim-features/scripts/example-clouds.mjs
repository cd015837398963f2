// Writes examples/clouds.csv: three planted 2-D clouds of 1000 points each (a noisy circle, a mixture of two
// lines through the origin, an anisotropic Gaussian), one column pair per cloud, plus the circle's quadrant.
// Run: node scripts/example-clouds.mjs (from packages/multidim-features).
import { writeFileSync } from 'node:fs';
import { createRng } from '@marr/core';

const rng = createRng(42);
const rows = ['circle_x,circle_y,quadrant,lines_x,lines_y,gauss_x,gauss_y'];
for (let i = 0; i < 1000; i++) {
  const t = 2 * Math.PI * rng.next();
  const cx = Math.cos(t) + 0.03 * rng.normal(), cy = Math.sin(t) + 0.03 * rng.normal();
  const g = rng.normal();
  const [lx, ly] = rng.next() < 0.5 ? [g, 0.2 * g] : [-0.3 * g, g];
  const g0 = rng.normal(), g1 = rng.normal();
  rows.push([cx, cy, `Q${1 + Math.floor(t / (Math.PI / 2))}`, lx, ly, 1.3 * g0 - 0.7 * g1, 0.4 * g0 + 0.9 * g1].map((v) => (typeof v === 'number' ? v.toFixed(5) : v)).join(','));
}
writeFileSync(new URL('../examples/clouds.csv', import.meta.url), rows.join('\n') + '\n');
