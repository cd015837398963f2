/** Report sections of the context-neuron analysis: tables, the path bar chart and the coloured n-grams. */
import type { HookedTransformer, ReportSection } from '@marr/core';
import type { Ablated, Located, ValidatedTrigram } from '../analyses/measure.js';
import { rankProbes } from '../locate/neuron-probes.js';
import { displayTokens, fmt, neuronName, signed, trigramText } from './format.js';

export function topNeuronsPerLayer(located: Located, perLayer: number) {
  const byLayer = new Map<number, Located['probes']>();
  for (const p of located.probes) byLayer.set(p.layer, [...(byLayer.get(p.layer) ?? []), p]);
  return [...byLayer.keys()].sort((a, b) => a - b).flatMap((l) => rankProbes(byLayer.get(l)!).slice(0, perLayer));
}

export function neuronTable(rows: ReturnType<typeof topNeuronsPerLayer>, minF1: number): ReportSection {
  return {
    kind: 'table',
    title: 'The best single-neuron probes of each layer (German vs English)',
    columns: ['neuron', 'F1', 'MCC', 'mean on German', 'mean on English', 'candidate'],
    rows: rows.map((p) => [neuronName(p), p.f1, p.mcc, p.meanGerman, p.meanEnglish, p.f1 > minF1 && p.meanGerman > p.meanEnglish]),
  };
}

/** Every neuron's probe: F1 against MCC, one series per layer, the candidate line marked. */
export function probeScatter(located: Located, minF1: number): ReportSection {
  const layers = [...new Set(located.probes.map((p) => p.layer))].sort((a, b) => a - b);
  return {
    kind: 'figure',
    figure: {
      type: 'scatter',
      title: 'Every neuron\'s single-neuron probe',
      x: { label: 'F1 (held-out rows)', domain: [0, 1] },
      y: { label: 'MCC (held-out rows)' },
      series: layers.map((l) => {
        const ps = located.probes.filter((p) => p.layer === l);
        return { name: `layer ${l}`, x: ps.map((p) => p.f1), y: ps.map((p) => p.mcc) };
      }),
      marks: [{ kind: 'rule', from: minF1, label: `candidate: F1 > ${minF1}` }],
    },
    caption: 'A probe that calls every row German sits at F1 ≈ 0.67 with MCC 0; a German neuron sits in the top right corner. Candidates must also fire more on German.',
  };
}

export function lossSection(a: Ablated): ReportSection {
  const { loss } = a;
  return {
    kind: 'table',
    title: `Loss with ${neuronName(a.target)} set to its mean English activation (${fmt(a.target.value, 4)}) at every position`,
    columns: ['text', 'clean loss', 'ablated loss', 'increase'],
    rows: [
      ['German', loss.germanClean, loss.germanAblated, loss.germanAblated - loss.germanClean],
      ['English', loss.englishClean, loss.englishAblated, loss.englishAblated - loss.englishClean],
    ],
  };
}

export function pathSections(a: Ablated): ReportSection[] {
  const p = a.paths;
  const inc = [p.total - p.clean, p.indirectRemoved - p.clean, p.directOnly - p.clean];
  return [
    {
      kind: 'figure',
      figure: {
        type: 'bar',
        title: 'German loss increase: the whole ablation and each path alone',
        x: { label: 'run' },
        y: { label: 'loss increase over clean (nats)' },
        categories: ['total', 'indirectRemoved', 'directOnly'],
        series: [{ name: 'German windows', values: inc }],
      },
      caption:
        p.downstream.length === 0
          ? 'The neuron is in the last layer: there are no later components, so indirectRemoved equals clean and directOnly equals total.'
          : `total: the neuron ablated; indirectRemoved: the neuron clean, the later components (${p.downstream.join(', ')}) patched from the ablated run; directOnly: the neuron ablated, the later components kept clean. Naming: the authors call the indirectRemoved run "direct effect" and the directOnly run "indirect effect"; marr names each run by what it does. When the paths do not interact, total ≈ indirectRemoved + directOnly (here ${signed(inc[0])} vs ${signed(inc[1] + inc[2])}).`,
    },
  ];
}

export function ngramTable(model: HookedTransformer, trigrams: readonly ValidatedTrigram[]): ReportSection {
  return {
    kind: 'table',
    title: 'Trigrams mined from German text, validated after random German prefixes (loss on the last token, nats)',
    columns: ['trigram', 'positions', 'interest', 'clean', 'total', 'indirectRemoved', 'directOnly', 'kept'],
    rows: trigrams.map((t) => [trigramText(model, t.tokens), t.count, t.interest, t.losses.clean, t.losses.total, t.losses.indirectRemoved, t.losses.directOnly, t.valid]),
    terminalRows: 12,
  };
}

/** Each top n-gram in its German context, every token coloured by how much ablation raises its loss. */
export function ngramTextSection(model: HookedTransformer, windows: readonly (readonly number[])[], a: Ablated, trigrams: readonly ValidatedTrigram[], before = 14): ReportSection | null {
  if (trigrams.length === 0) return null;
  const rows = trigrams.map((t) => {
    const { sequence, position } = t.example;
    const start = Math.max(1, position - before);
    const ids = windows[sequence].slice(start, position + 1);
    const values = ids.map((_, i) => {
      const p = start + i - 1; // loss index predicting this token
      return Math.max(0, a.german.total[sequence][p] - a.german.clean[sequence][p]);
    });
    return { label: `${trigramText(model, t.tokens)} (${signed(t.losses.total - t.losses.clean, 2)} nats)`, tokens: displayTokens(model, ids), values };
  });
  return {
    kind: 'tokens',
    title: 'The top n-grams in their German context',
    valueLabel: `loss increase on each token with ${neuronName(a.target)} ablated (nats)`,
    rows,
    caption: 'Each row ends with a trigram at the position where mining found it; the deeper the colour, the more the ablation raised that token\'s loss.',
  };
}
