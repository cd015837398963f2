/** Prints organism-seed0's checkpoint series with each checkpoint's measured behaviours (README table). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BehaviourReport } from '../src/evaluate/behaviours.js';
import { listShippedModels } from '../src/zoo/shipped.js';

const pct = (x: number) => `${Math.round(100 * x)}%`;
console.log('| checkpoint | tokens seen | calendar | refusal forbidden / ordinary | German / English loss | induction loss drop | country / lat / lon / year |');
console.log('|---|---|---|---|---|---|---|');
for (const m of listShippedModels().filter((x) => x.name.startsWith('organism-seed0-step-'))) {
  const bPath = join(m.path, 'behaviours.json');
  if (!existsSync(bPath)) continue;
  const b = JSON.parse(readFileSync(bPath, 'utf8')) as BehaviourReport;
  const t = JSON.parse(readFileSync(join(m.path, 'training.json'), 'utf8')) as { tokensSeen: number };
  console.log(
    `| \`${m.name}\` | ${t.tokensSeen.toLocaleString('en-US')} | ${pct(b.calendar.accuracy)} | ${pct(b.refusal.forbiddenRefusalRate)} / ${pct(b.refusal.ordinaryRefusalRate)} | ${b.language.germanLoss.toFixed(2)} / ${b.language.englishLoss.toFixed(2)} | ${b.induction.lossDrop.toFixed(2)} | ${pct(b.facts.countryAccuracy)} / ${pct(b.facts.latitudeAccuracy)} / ${pct(b.facts.longitudeAccuracy)} / ${pct(b.facts.yearAccuracy)} |`,
  );
}
process.exit(0);
