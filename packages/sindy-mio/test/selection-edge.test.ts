import { describe, expect, it } from 'vitest';
import { selectionAtEdge } from '../src/analyses/sindy-analysis.js';

// A selection that hits the end of its search range says so; one inside the range says nothing.
describe('selectionAtEdge', () => {
  const mio = (ks: number[]) => ks.flatMap((k) => [0, 0.1].map((a) => ({ label: `mio k=${k} alpha=${a}` })));
  it('names the equations whose AICc chose the largest k tried', () => {
    const scores = mio([1, 2, 3, 4, 5]);
    expect(selectionAtEdge({ chosen: ['mio k=5 alpha=0', 'mio k=3 alpha=0', 'mio k=2 alpha=0.1'], scores }, ['x', 'y', 'z'])).toMatch(/largest k tried \(k = 5\) for x': .*raise kMax, or set k/);
    expect(selectionAtEdge({ chosen: ['mio k=4 alpha=0', 'mio k=1 alpha=0'], scores }, ['x', 'y'])).toBeNull();
  });
  it('names a threshold at either end of the grid', () => {
    const scores = [0.01, 0.1, 1].map((t) => ({ label: `stlsq threshold=${t}` }));
    expect(selectionAtEdge({ chosen: ['stlsq threshold=0.1', 'stlsq threshold=1'], scores }, ['x', 'y'])).toMatch(/threshold at the end of the grid \(1\) for y'/);
    expect(selectionAtEdge({ chosen: ['stlsq threshold=0.1'], scores }, ['x'])).toBeNull();
  });
});
