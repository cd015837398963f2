/** `multidim-features`: clusters of SAE decoder directions, ranked by how irreducible their reconstructions are. */
import { defineAnalysis, MarrUsageError, phase, textWindows, throwIfCancelled, z, type FigureSection, type Report, type ReportSection } from '@marr/core';
import { clusterReconstructions, sparseLatents } from '../clusters/cluster-activations.js';
import { clusterIrreducibility, MIXTURE_FLOOR, type ClusterIrreducibility } from '../clusters/cluster-reducibility.js';
import { cosineSimilarities } from '../clustering/cosine-similarity.js';
import { graphClusters } from '../clustering/graph-clusters.js';
import { spectralClusters } from '../clustering/spectral-clusters.js';
import { fmt } from '../report/format.js';
import { planeFigures } from '../report/plane-figures.js';
import { irreducibilityOptions, irreducibilityParams } from './irreducibility-params.js';
import { REFERENCES } from './references.js';
import { multidimFeaturesResults } from './results.js';
import { analysisSae, saeFolderKind } from '@marr/sae';

export const multidimFeaturesParams = z.object({
  method: z.enum(['graph', 'spectral']).default('graph').describe('Clustering of the decoder directions: graph (link each feature to its topK most similar features above cutoff; connected components; the authors\' default) or spectral (spectral clustering of the angular affinity 1 − arccos(sim)/π into spectralClusters clusters).'),
  topK: z.number().int().min(1).max(50).default(2).describe('graph: neighbours linked per feature.'),
  cutoff: z.number().min(-1).max(1).default(0.5).describe('graph: the cosine similarity a link needs.'),
  spectralClusters: z.number().int().min(2).default(64).describe('spectral: the number of clusters (the authors use 1000 for 24,576 GPT-2 features).'),
  minClusterSize: z.number().int().min(2).default(2).describe('Clusters with fewer features are not evaluated.'),
  maxClusterSize: z.number().int().min(2).default(1000).describe('Clusters with more features are not evaluated (the authors\' size_limit).'),
  maxClusters: z.number().int().min(1).default(40).describe('Evaluate at most this many clusters, those that fire on the most tokens first.'),
  minPoints: z.number().int().min(3).default(20).describe('Clusters that fire on fewer tokens are not evaluated.'),
  maxPoints: z.number().int().min(3).default(20_000).describe('Use at most this many tokens per cluster (the first ones; the authors\' sample_limit).'),
  components: z.number().int().min(2).max(16).default(5).describe('PCA components of a cluster\'s reconstructions; M and S are computed on each consecutive pair.'),
  ...irreducibilityParams,
  contextLength: z.number().int().min(2).default(64).describe('Tokens per window, BOS included (at most the model context).'),
  maxTokens: z.number().int().min(2).default(16384).describe('Stop reading the dataset after this many tokens.'),
  batchWindows: z.number().int().min(1).default(8).describe('Windows per forward batch.'),
  excludeBos: z.boolean().default(true).describe('Leave the BOS position out (its activations are outliers).'),
  top: z.number().int().min(1).max(200).default(15).describe('Clusters listed in the table.'),
  figures: z.number().int().min(0).max(20).default(3).describe('Top clusters whose PC planes are drawn.'),
  topTokens: z.number().int().min(1).max(50).default(8).describe('Most frequent tokens listed per cluster.'),
});
export type MultidimFeaturesParams = z.output<typeof multidimFeaturesParams>;

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

function maxSimilarity(sims: Float32Array, n: number): number {
  let m = -Infinity;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && sims[i * n + j] > m) m = sims[i * n + j];
  return m;
}

export const multidimFeaturesAnalysis = defineAnalysis({
  id: 'multidim-features',
  title: 'Multi-dimensional SAE features (clusters ranked by irreducibility)',
  level: 'algorithmic',
  summary: 'Cluster an SAE\'s decoder directions, reconstruct each cluster\'s activations, and rank clusters by (1 − M_ε)·S of their PC planes (Engels et al. 2024)',
  description:
    'Clusters the SAE\'s decoder directions by cosine similarity (the authors\' graph method: each feature linked to its top-2 most similar features above 0.5, connected components; ' +
    'or spectral clustering of the angular affinity). For each cluster, the model is run on the text and the cluster\'s activation is reconstructed on every token where any of its ' +
    'features fires (Σ act · W_dec over its features, no b_dec); the reconstructions are reduced to 5 principal components and M_ε and S are computed on each consecutive pair of ' +
    'components (0-1, 1-2, ...). Clusters are ranked by the authors\' score, the mean of [0, (1 − M)·S over the pairs with M ≥ 0.01]; the top ones are drawn in their PC planes, ' +
    'coloured by token.',
  references: REFERENCES,
  inputs: {
    models: { min: 1, max: 1 },
    data: { kind: 'text' as const, required: true, description: 'text the model runs on (the tokens the clusters fire on)' },
    files: { sae: { kind: saeFolderKind, required: true, description: 'the SAE (--input sae=<folder>); its hook_name must be a hook point of the model' } },
    capabilities: ['tokenizer' as const],
  },
  params: multidimFeaturesParams,
  results: multidimFeaturesResults,
  async run(ctx) {
    const model = ctx.models[0];
    const p = ctx.params;
    const sae = analysisSae(ctx, model);
    if (p.minClusterSize > p.maxClusterSize) throw new MarrUsageError(`minClusterSize (${p.minClusterSize}) exceeds maxClusterSize (${p.maxClusterSize}); lower one of them`);
    const { dSae, dIn } = sae.cfg;
    const W_dec = sae.weights.W_dec.data;
    const sims = await cosineSimilarities({ n: dSae, d: dIn, data: W_dec });
    const clusters = p.method === 'graph'
      ? graphClusters(sims, dSae, { topK: p.topK, cutoff: p.cutoff })
      : await spectralClusters(sims, dSae, { clusters: p.spectralClusters, seed: ctx.seed, signal: ctx.signal });
    const clusterOf = new Int32Array(dSae).fill(-1);
    const eligible = clusters.map((c, i) => [c, i] as const).filter(([c]) => c.length >= p.minClusterSize && c.length <= p.maxClusterSize);
    for (const [c, i] of eligible) for (const f of c) clusterOf[f] = i;
    const keep = Uint8Array.from(clusterOf, (c) => (c >= 0 ? 1 : 0));
    const windows = textWindows(ctx, model, p, 64);
    const latents = await sparseLatents(model, sae, windows, { batchWindows: p.batchWindows, excludeBos: p.excludeBos, keep, signal: ctx.signal, progress: ctx.progress });
    const recs = clusterReconstructions(latents, clusterOf, clusters.length, W_dec, dIn, p.maxPoints);
    const firing = new Map<number, number>();
    for (let t = 0; t < latents.tokens; t++) {
      const seen = new Set<number>();
      for (let e = latents.rowStart[t]; e < latents.rowStart[t + 1]; e++) seen.add(clusterOf[latents.feature[e]]);
      for (const c of seen) firing.set(c, (firing.get(c) ?? 0) + 1);
    }
    const candidates = eligible.map(([, i]) => i).filter((i) => recs[i].tokens.length >= p.minPoints)
      .sort((a, b) => (firing.get(b) ?? 0) - (firing.get(a) ?? 0) || a - b).slice(0, p.maxClusters);
    const tick = phase(ctx.progress, 'M and S of each cluster', candidates.length);
    const evaluated: { id: number; features: number[]; points: number; irr: ClusterIrreducibility }[] = [];
    for (const id of candidates) {
      throwIfCancelled(ctx.signal);
      const irr = clusterIrreducibility(recs[id], clusters[id].length, { ...irreducibilityOptions(p, ctx.seed), components: p.components, signal: ctx.signal });
      if (irr) evaluated.push({ id, features: clusters[id], points: recs[id].tokens.length, irr });
      tick.tick();
    }
    tick.done();
    evaluated.sort((a, b) => b.irr.score - a.irr.score || a.id - b.id);
    const tok = model.tokenizer!;
    const tokenCounts = (id: number) => {
      const counts = new Map<number, number>();
      for (const t of recs[id].tokens) counts.set(latents.tokenIds[t], (counts.get(latents.tokenIds[t]) ?? 0) + 1);
      return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    };
    const ranked = evaluated.map((e, rank) => ({
      rank: rank + 1, cluster: e.id, features: e.features, points: e.points, score: e.irr.score, components: e.irr.components,
      explainedVarianceRatio: e.irr.explainedVarianceRatio,
      pairs: e.irr.pairs.map((q) => ({ pcs: q.pcs, mixtureIndex: q.result.mixture.index, separabilityIndex: q.result.separability.index, score: q.result.score })),
      topTokens: tokenCounts(e.id).slice(0, p.topTokens).map(([id, count]) => ({ token: tok.tokenString(id), count })),
    }));
    const sizes = clusters.map((c) => c.length);
    const multi = sizes.filter((s) => s >= 2).length;
    const first = ranked[0];
    const summary =
      `The ${dSae} decoder directions of the SAE at ${sae.cfg.hookName} form ${multi} cluster${multi === 1 ? "" : "s"} of two or more features (${p.method === 'graph' ? `graph method, top-${p.topK} neighbours above ${p.cutoff}` : `spectral clustering into ${p.spectralClusters}`}); ` +
      `${evaluated.length} of them fire${evaluated.length === 1 ? "s" : ""} on at least ${p.minPoints} of ${latents.tokens} tokens and ${evaluated.length === 1 ? "was" : "were"} evaluated. ` +
      (first
        ? `The most irreducible (M and S in the authors' ${p.setting === 'cluster' ? 'real-cluster' : 'toy-demo'} setting) is cluster ${first.cluster} (${first.features.length} features, ${first.points} tokens, score ${fmt(first.score)}; PCs 0-1: M = ${fmt(first.pairs[0].mixtureIndex)}, S = ${fmt(first.pairs[0].separabilityIndex)} bits), ` +
          `firing mostly on ${first.topTokens.slice(0, 5).map((t) => JSON.stringify(t.token)).join(', ')}.`
        : multi === 0
          ? `No two decoder directions are linked (the largest cosine similarity between two of them is ${fmt(maxSimilarity(sims, dSae))}); lower --param cutoff or use --param method=spectral.`
          : 'No cluster fired often enough to be evaluated; give more text (maxTokens) or lower minPoints.');
    const sections: ReportSection[] = [
      {
        kind: 'table', title: 'Clusters by irreducibility',
        columns: ['rank', 'cluster', 'features', 'tokens', 'score', 'M (PC 0-1)', 'S (PC 0-1)', 'mean M', 'mean S', 'top tokens', 'feature ids'],
        rows: ranked.slice(0, p.top).map((r) => [r.rank, r.cluster, r.features.length, r.points, r.score, r.pairs[0].mixtureIndex, r.pairs[0].separabilityIndex,
          mean(r.pairs.map((q) => q.mixtureIndex)), mean(r.pairs.map((q) => q.separabilityIndex)),
          r.topTokens.map((t) => `${t.token} (${t.count})`).join(', '), r.features.slice(0, 20).join(' ') + (r.features.length > 20 ? ' ...' : '')]),
      },
    ];
    if (ranked.length > 0) {
      sections.push({
        kind: 'figure',
        figure: {
          type: 'scatter', title: 'Mixture index against separability index (mean over PC pairs)', x: { label: 'mean M_ε' }, y: { label: 'mean S (bits)' },
          series: [
            { name: 'clusters', x: ranked.slice(p.figures).map((r) => mean(r.pairs.map((q) => q.mixtureIndex))), y: ranked.slice(p.figures).map((r) => mean(r.pairs.map((q) => q.separabilityIndex))) },
            ...ranked.slice(0, p.figures).map((r) => ({ name: `#${r.rank}: cluster ${r.cluster}`, x: [mean(r.pairs.map((q) => q.mixtureIndex))], y: [mean(r.pairs.map((q) => q.separabilityIndex))] })),
          ].filter((series) => series.x.length > 0),
        },
        caption: `Each point is an evaluated cluster. Irreducible multi-dimensional features sit top left (low M, high S); pairs with M < ${MIXTURE_FLOOR} do not count toward the ranking score.`,
      });
    }
    for (const e of evaluated.slice(0, p.figures)) {
      const r = ranked.find((x) => x.cluster === e.id)!;
      const best = e.irr.pairs.reduce((a, b) => (b.result.score > a.result.score ? b : a));
      const labels = recs[e.id].tokens.map((t) => tok.tokenString(latents.tokenIds[t]));
      const shown = [e.irr.pairs[0], ...(best !== e.irr.pairs[0] ? [best] : [])];
      for (const pair of shown) {
        const figs: FigureSection[] = planeFigures(pair.cloud, pair.result, {
          title: `#${r.rank} cluster ${e.id} (${e.features.length} features): PC ${pair.pcs[0]} vs PC ${pair.pcs[1]}, M = ${fmt(pair.result.mixture.index)}, S = ${fmt(pair.result.separability.index)}`,
          xLabel: `PC ${pair.pcs[0]} (${fmt(100 * e.irr.explainedVarianceRatio[pair.pcs[0]], 1)}%)`,
          yLabel: `PC ${pair.pcs[1]} (${fmt(100 * e.irr.explainedVarianceRatio[pair.pcs[1]], 1)}%)`,
          labels, labelMeaning: 'the token',
        });
        sections.push(figs[0]);
      }
    }
    return {
      summary,
      results: {
        hook: sae.cfg.hookName!, dSae, method: p.method, tokens: latents.tokens,
        clusterCount: multi, largestCluster: Math.max(...sizes), evaluated: evaluated.length,
        clusters: ranked,
      },
      sections,
    };
  },
});
