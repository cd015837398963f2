// Writes the shipped models' entity tables as CSV (examples/zoo-cities.csv, examples/zoo-people.csv) from
// @marr/zoo's facts (the plugin itself never imports the zoo). Continents are added here by hand from the
// country; centuries from the birth year. Run: node scripts/zoo-entities.mjs
import { writeFileSync } from 'node:fs';
import { CITIES, PEOPLE } from '@marr/zoo';

export const CONTINENT = {
  France: 'Europe', Britain: 'Europe', Germany: 'Europe', Spain: 'Europe', Italy: 'Europe', Austria: 'Europe', Poland: 'Europe',
  Russia: 'Europe', Norway: 'Europe', Sweden: 'Europe', Finland: 'Europe', Greece: 'Europe', Portugal: 'Europe', Ireland: 'Europe',
  Czechia: 'Europe', Hungary: 'Europe', Netherlands: 'Europe', Belgium: 'Europe', Denmark: 'Europe', Turkey: 'Asia',
  Egypt: 'Africa', Kenya: 'Africa', Nigeria: 'Africa', Ghana: 'Africa', Congo: 'Africa', Morocco: 'Africa',
  Japan: 'Asia', China: 'Asia', India: 'Asia', Iran: 'Asia', Thailand: 'Asia', Indonesia: 'Asia', Philippines: 'Asia', Korea: 'Asia',
  Pakistan: 'Asia', Bangladesh: 'Asia', Vietnam: 'Asia',
  Australia: 'Oceania',
  Peru: 'South America', Chile: 'South America', Colombia: 'South America', Uruguay: 'South America',
  Canada: 'North America', America: 'North America', Cuba: 'North America',
};

const here = new URL('../examples/', import.meta.url);
const missing = CITIES.filter((c) => !CONTINENT[c.country]);
if (missing.length > 0) throw new Error(`no continent for ${missing.map((c) => c.country).join(', ')}`);
writeFileSync(new URL('zoo-cities.csv', here), ['name,latitude,longitude,country,continent', ...CITIES.map((c) => `${c.city},${c.lat},${c.lon},${c.country},${CONTINENT[c.country]}`)].join('\n') + '\n');
writeFileSync(new URL('zoo-people.csv', here), ['name,year,century', ...PEOPLE.map((p) => `${p.name},${p.born},${Math.floor(p.born / 100) * 100}s`)].join('\n') + '\n');
console.log(`wrote ${CITIES.length} cities and ${PEOPLE.length} people to ${here.pathname}`);
