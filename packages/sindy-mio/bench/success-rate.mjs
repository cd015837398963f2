// Success-rate curves of MIO vs STLSQ vs SR3 on the built-in systems (the sindy-benchmark protocol),
// written to bench/results/success-rate.json (atomically) and printed as Markdown for the README.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSuccessRateBenchmark } from '../dist/index.js';

const options = {
  systems: ['lorenz', 'hopf', 'vanderpol', 'duffing', 'lotka_volterra', 'rossler', 'cubic_oscillator'],
  lengthFactors: [0.25, 0.5, 1, 2],
  noiseLevels: [0.001, 0.01],
  methods: ['mio', 'stlsq', 'sr3'],
  trials: Number(process.env.TRIALS ?? 20),
  seed: 2023,
};
const t0 = performance.now();
const curves = runSuccessRateBenchmark(options);
const seconds = (performance.now() - t0) / 1000;
const dir = new URL('./results/', import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
const out = join(dir, 'success-rate.json');
writeFileSync(out + '.tmp', JSON.stringify({ options, seconds, curves }, null, 1) + '\n');
renameSync(out + '.tmp', out);

console.log(`${options.trials} trials per setting, seed ${options.seed}, ${seconds.toFixed(0)} s in all.\n`);
console.log('Mean true positivity TP/(TP+FP+FN) per trajectory length (multiples of the reference duration ' + options.lengthFactors.join(', ') + '):\n');
console.log('| system | noise | MIO | STLSQ | SR3 |');
console.log('|---|---|---|---|---|');
for (const system of options.systems) {
  for (const noise of options.noiseLevels) {
    const cell = (m) => curves.find((c) => c.system === system && c.noise === noise && c.method === m).meanTruePositivity.map((v) => v.toFixed(2)).join(' / ');
    console.log(`| ${system} | ${noise} | ${cell('mio')} | ${cell('stlsq')} | ${cell('sr3')} |`);
  }
}
const mean = (m) => { const v = curves.filter((c) => c.method === m).flatMap((c) => c.meanTruePositivity); return v.reduce((a, b) => a + b, 0) / v.length; };
const time = (m) => { const v = curves.filter((c) => c.method === m).flatMap((c) => c.meanSeconds); return v.reduce((a, b) => a + b, 0) / v.length; };
console.log(`\nOverall mean true positivity: MIO ${mean('mio').toFixed(3)}, STLSQ ${mean('stlsq').toFixed(3)}, SR3 ${mean('sr3').toFixed(3)}`);
console.log(`Mean seconds per fit (including AICc selection): MIO ${time('mio').toFixed(3)}, STLSQ ${time('stlsq').toFixed(3)} (ratio ${(time('mio') / time('stlsq')).toFixed(1)}), SR3 ${time('sr3').toFixed(3)}`);
