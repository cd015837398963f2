/** Prints the README's table of shipped models and their measured behaviours (from each behaviours.json). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BehaviourReport } from '../src/evaluate/behaviours.js';
import { listShippedModels } from '../src/zoo/shipped.js';

const pct = (x: number) => `${Math.round(100 * x)}%`;
console.log('| model | params | held-out loss | calendar | refusal forbidden / ordinary | German / English loss | induction loss drop | country / lat / lon / year |');
console.log('|---|---|---|---|---|---|---|---|');
for (const m of listShippedModels().filter((x) => !x.name.startsWith('organism-seed0-step-'))) {
  const bPath = join(m.path, 'behaviours.json');
  if (!existsSync(bPath)) continue;
  const b = JSON.parse(readFileSync(bPath, 'utf8')) as BehaviourReport;
  const t = JSON.parse(readFileSync(join(m.path, 'training.json'), 'utf8')) as { heldOutLoss?: number; step?: number };
  console.log(
    `| \`${m.name}\` | ${m.parameters.toLocaleString('en-US')} | ${t.heldOutLoss?.toFixed(3) ?? '—'} | ${pct(b.calendar.accuracy)} | ${pct(b.refusal.forbiddenRefusalRate)} / ${pct(b.refusal.ordinaryRefusalRate)} | ${b.language.germanLoss.toFixed(2)} / ${b.language.englishLoss.toFixed(2)} | ${b.induction.lossDrop.toFixed(2)} | ${pct(b.facts.countryAccuracy)} / ${pct(b.facts.latitudeAccuracy)} / ${pct(b.facts.longitudeAccuracy)} / ${pct(b.facts.yearAccuracy)} |`,
  );
}

// the deep organisms' refusal protocol, by split (forbidden refused / ordinary refused)
const deep = listShippedModels().filter((x) => x.name.startsWith('deep-'));
if (deep.length) {
  console.log('\n| model | trained requests | held-out objects | held-out paraphrases | both held out | held-out objects by category (refused) |');
  console.log('|---|---|---|---|---|---|');
  for (const m of deep) {
    const b = JSON.parse(readFileSync(join(m.path, 'behaviours.json'), 'utf8')) as BehaviourReport;
    const p = b.refusalProtocol;
    if (!p) continue;
    const cell = (r: { forbiddenRefusalRate: number; ordinaryRefusalRate: number }) => `${pct(r.forbiddenRefusalRate)} / ${pct(r.ordinaryRefusalRate)}`;
    const cats = Object.entries(p.heldOutObjectsByCategory).map(([c, v]) => `${c} ${pct(v.refusalRate)}`).join(', ');
    console.log(`| \`${m.name}\` | ${cell(p.splits.train)} | ${cell(p.splits.heldOutObjects)} | ${cell(p.splits.heldOutTemplates)} | ${cell(p.splits.heldOutBoth)} | ${cats} |`);
  }
}
process.exit(0);
