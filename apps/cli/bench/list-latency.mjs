// How long `marr list` takes, against the start-up time of node itself measured in the same run.
// Run: npm run bench -w marr-cli (after a build). Prints medians over several runs and their ratio.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const plugin = fileURLToPath(new URL('../test/fixtures/demo-plugin', import.meta.url));
const project = mkdtempSync(join(tmpdir(), 'marr-bench-'));
writeFileSync(join(project, 'marr.config.json'), JSON.stringify({ plugins: [plugin] }));
const runs = Number(process.env.RUNS ?? 9);

// The child reports its own CPU time (user + system) on fd 3 when it exits: on a busy machine wall time
// mostly measures the wait for a core, CPU time what the command costs.
const reportCpu = `data:text/javascript,import{writeSync}from'node:fs';process.on('exit',()=>{const u=process.cpuUsage();writeSync(3,String((u.user+u.system)/1000))})`;

const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measure(args) {
  const wall = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--import', reportCpu, ...args], { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    if (r.status !== 0) throw new Error(r.stderr);
    wall.push(performance.now() - t0);
    cpu.push(Number(r.output[3]));
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const baseline = measure(['-e', '']);
const row = (name, m, note = '') =>
  console.log(`${name.padEnd(26)} wall ${m.wall.toFixed(0).padStart(5)} ms (${(m.wall / baseline.wall).toFixed(2)}x)   cpu ${m.cpu.toFixed(0).padStart(5)} ms (${(m.cpu / baseline.cpu).toFixed(2)}x)${note}`);
row('node start-up (baseline)', baseline);
row('marr list', measure([cli, 'list']));

// Nine plugins, as the platform is meant to carry: package folders whose package.json holds a manifest of
// four analyses each (list reads only package.json files, so no plugin code is needed).
const demo = JSON.parse(readFileSync(join(plugin, 'package.json'), 'utf8'));
const nine = mkdtempSync(join(tmpdir(), 'marr-bench-9-'));
const folders = Array.from({ length: 9 }, (_, i) => {
  const dir = join(nine, `plugin-${i}`);
  mkdirSync(dir);
  const analyses = Array.from({ length: 4 }, (_, j) => ({ ...demo.marr.analyses[0], id: `p${i}-analysis-${j}` }));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...demo, name: `marr-bench-plugin-${i}`, marr: { ...demo.marr, analyses } }));
  return dir;
});
writeFileSync(join(project, 'marr.config.json'), JSON.stringify({ plugins: folders }));
row('marr list (9 plugins)', measure([cli, 'list']));
writeFileSync(join(project, 'marr.config.json'), JSON.stringify({ plugins: [plugin] }));
row('marr describe', measure([cli, 'describe', 'demo-trend']), '  imports the plugin and @marr/core');
