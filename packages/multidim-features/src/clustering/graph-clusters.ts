/**
 * The authors' graph clustering (clustering.py, graph_cluster_sims): link every feature to its top-k
 * most similar features (k = 2) whose similarity exceeds the cutoff (0.5), add the reverse edges, and
 * return the connected components, in order of their smallest feature (singletons included).
 */
export function graphClusters(sims: Float32Array, n: number, options: { topK?: number; cutoff?: number } = {}): number[][] {
  const topK = options.topK ?? 2;
  const cutoff = options.cutoff ?? 0.5;
  const graph: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  const best = new Int32Array(topK), bestSim = new Float64Array(topK);
  for (let i = 0; i < n; i++) {
    best.fill(-1);
    bestSim.fill(-Infinity);
    const row = i * n;
    for (let j = 0; j < n; j++) {
      const s = sims[row + j]; // diagonal is 0, as in the authors' code (it can be a top neighbour only when all others are <= 0)
      if (s <= bestSim[topK - 1]) continue;
      let at = topK - 1;
      while (at > 0 && s > bestSim[at - 1]) {
        bestSim[at] = bestSim[at - 1];
        best[at] = best[at - 1];
        at--;
      }
      bestSim[at] = s;
      best[at] = j;
    }
    for (let t = 0; t < topK; t++) if (best[t] >= 0 && bestSim[t] > cutoff) graph[i].add(best[t]);
  }
  for (let i = 0; i < n; i++) for (const j of graph[i]) graph[j].add(i);
  const seen = new Uint8Array(n);
  const components: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (seen[i]) continue;
    const component: number[] = [];
    const stack = [i];
    while (stack.length) {
      const v = stack.pop()!;
      if (seen[v]) continue;
      seen[v] = 1;
      component.push(v);
      for (const w of graph[v]) if (!seen[w]) stack.push(w);
    }
    components.push(component.sort((a, b) => a - b));
  }
  return components;
}
