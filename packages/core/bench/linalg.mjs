// Core's hand-written Cholesky against ml-matrix's on the same matrices, in the same run (run after a build):
// node bench/linalg.mjs. Prints the time per factorisation + solve and the ratio (ml-matrix / core).
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { cholesky, choleskySolve, createRng, denseMatrix, gram, toRows } from '../dist/index.js';

const rng = createRng(1);
for (const [p, reps] of [[8, 20000], [64, 500], [256, 20]]) {
  const x = denseMatrix(2 * p, p, Array.from({ length: 2 * p * p }, () => rng.normal()));
  const a = gram(x);
  const b = Array.from({ length: p }, () => rng.normal());
  const rows = toRows(a);
  const time = (fn) => {
    fn();
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    return (performance.now() - t0) / reps;
  };
  const core = time(() => choleskySolve(cholesky(a), b));
  // What a caller holding flat arrays pays with ml-matrix: building the Matrix, factoring, solving.
  const ml = time(() => new CholeskyDecomposition(new Matrix(rows)).solve(Matrix.columnVector(b)));
  console.log(`p=${String(p).padStart(3)}  core ${(core * 1000).toFixed(1).padStart(8)} us   ml-matrix ${(ml * 1000).toFixed(1).padStart(8)} us   ratio ${(ml / core).toFixed(2)}x`);
}
