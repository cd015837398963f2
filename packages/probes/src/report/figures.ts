/** Report sections shared by the probing analyses: k-sweep figures and tables. */
import type { FigureSection, ReportSection, TableSection } from '@marr/core';
import type { ByKResult, OptimalityResult } from '../probe/k-sweep.js';
import type { LayerSummary } from '../probe/layer-sweep.js';

const round = (v: number, digits = 4): number => Number(v.toFixed(digits));

/** `L1` for a layer's MLP neurons; `L0 resid_mid` for another hook point of the layer (several may share it). */
export function layerLabel(l: { hookPoint: string; layer: number | null }): string {
  if (l.layer === null) return l.hookPoint;
  const suffix = /^blocks\.\d+\.(.+)$/.exec(l.hookPoint)?.[1];
  return suffix === undefined || suffix === 'mlp.hook_post' ? `L${l.layer}` : `L${l.layer} ${suffix.replace(/^hook_/, '')}`;
}

/** The neuron ids shown in a table cell: the first `max`, then how many more (report.json has them all). */
export function idList(ids: readonly (string | number)[], max = 12): string {
  return ids.length <= max ? ids.join(' ') : `${ids.slice(0, max).join(' ')} … (+${ids.length - max} more, ${ids.length} in all)`;
}

/** F1 against k, one line per method; the axes fit the k values tried and the F1 range reached. */
export function kSweepFigure(byK: readonly ByKResult[], title: string): FigureSection {
  const methods = [...new Set(byK.map((r) => r.method))];
  const ks = byK.map((r) => r.k);
  const f1s = byK.map((r) => r.f1).filter(Number.isFinite);
  const lowF1 = f1s.length ? Math.max(0, Math.floor((Math.min(...f1s) - 0.02) * 20) / 20) : 0;
  return {
    kind: 'figure',
    figure: {
      type: 'line',
      title,
      x: { label: 'k (neurons in the probe)', scale: 'log', ...(ks.length ? { domain: [Math.min(...ks), Math.max(...ks)] as [number, number] } : {}) },
      y: { label: 'test F1', domain: [lowF1, 1] },
      series: methods.map((m) => {
        const rows = byK.filter((r) => r.method === m);
        return { name: m, x: rows.map((r) => r.k), y: rows.map((r) => round(r.f1)) };
      }),
    },
    caption: 'Test F1 of an L2 logistic probe on the top-k neurons chosen by each method (osp: exact k-sparse support).',
  };
}

export function byKTable(byK: readonly ByKResult[]): TableSection {
  return {
    kind: 'table',
    title: 'Probes by method and k (test split)',
    columns: ['method', 'k', 'selected', 'F1', 'precision', 'recall', 'MCC', 'ROC-AUC', 'PR-AUC'],
    rows: byK.map((r) => [r.method, r.k, idList(r.selected), round(r.f1), round(r.precision), round(r.recall), round(r.mcc), round(r.rocAuc), round(r.prAuc)]),
    terminalRows: 24,
  };
}

export function optimalityTable(rows: readonly OptimalityResult[]): TableSection {
  return {
    kind: 'table',
    title: 'Optimal sparse probe: objective, proven bound and gap',
    columns: ['k', 'objective', 'bound', 'gap', 'proven optimal', 'status', 'solved by', 'master solves', 'fits'],
    rows: rows.map((r) => [
      r.k,
      round(r.objective, 6),
      r.bound === null ? null : round(r.bound, 6),
      r.gap === null ? null : Number(r.gap.toExponential(2)),
      r.optimal,
      r.status,
      r.solvedBy,
      r.iterations,
      r.supportsEvaluated,
    ]),
  };
}

export function layerTable(layers: readonly LayerSummary[]): TableSection {
  return {
    kind: 'table',
    title: 'Best single neuron per layer (exact k = 1)',
    columns: ['hook point', 'neuron', 'F1', 'MCC', 'ROC-AUC', 'fires more for the feature'],
    rows: layers.map((l) => [l.hookPoint, l.bestNeuron, round(l.f1), round(l.mcc), round(l.rocAuc), l.sign > 0]),
  };
}

export function layerFigure(layers: readonly LayerSummary[], title: string): FigureSection {
  return {
    kind: 'figure',
    figure: {
      type: 'bar',
      title,
      x: { label: 'layer' },
      y: { label: 'test F1 of the best single neuron', domain: [0, 1] },
      categories: layers.map((l) => `${layerLabel(l)} ${l.bestNeuron}`),
      series: [{ name: 'k = 1', values: layers.map((l) => round(l.f1)) }],
    },
  };
}

export function sections(...parts: (ReportSection | null | undefined)[]): ReportSection[] {
  return parts.filter((p): p is ReportSection => !!p);
}
