import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtures, marr, marrUntil, repoRoot, scratchProject, trendCsv, withoutTimings } from './helpers.js';

const schema = JSON.parse(readFileSync(join(repoRoot, 'docs/report.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

function expectUsageError(r: { status: number | null; stderr: string }, ...patterns: RegExp[]) {
  expect(r.status).toBe(2);
  for (const p of patterns) expect(r.stderr).toMatch(p);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace without --debug
}

let project: string;
let csv: string;
const planted = [{ a: 1, b: 2.5 }, { a: -3, b: -0.75 }];

beforeAll(() => {
  project = scratchProject({ plugins: [join(fixtures, 'demo-plugin')], models: { mine: './models/mine' } });
  csv = join(project, 'trend.csv');
  trendCsv(csv, planted);
});

describe('marr list / plugins / describe', () => {
  it('lists the analyses of plugins named in marr.config.json, filtered by level, as text or JSON', () => {
    const text = marr(['list'], { cwd: project });
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/demo-trend\s+marr-demo-plugin\s+computational\s+Least-squares slope/);
    expect(text.stdout).toMatch(/demo-loss\s+marr-demo-plugin\s+algorithmic/);
    const json = JSON.parse(marr(['list', '--level', 'algorithmic', '--json'], { cwd: project }).stdout);
    expect(json).toEqual([
      { id: 'demo-loss', title: 'Demo loss', level: 'algorithmic', summary: 'Mean next-token cross-entropy of a model on text windows', plugin: 'marr-demo-plugin', pluginVersion: '0.3.0' },
    ]);
    expectUsageError(marr(['list', '--level', 'physical'], { cwd: project }), /physical/, /computational, algorithmic, implementational/);
  });

  it('shows plugins with their origin and verifies manifests against modules', () => {
    const ok = marr(['plugins', '--verify'], { cwd: project });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain(`marr-demo-plugin 0.3.0  (config: ${join(fixtures, 'demo-plugin')})`);
    expect(ok.stdout).toContain('manifest: OK');
    const drifted = scratchProject({ plugins: [join(fixtures, 'drifted-plugin'), './nowhere'] });
    const bad = marr(['plugins', '--verify'], { cwd: drifted });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toContain('analysis "drift-new" is exported by the module but missing from the manifest');
    expect(bad.stdout).toContain('analysis "drift-old" is in the manifest but not exported by the module');
    expect(bad.stdout).toMatch(/warning: .*nowhere: plugin folder not found/);
  });

  it('describes an analysis: level, inputs, parameters with defaults and ranges, references', () => {
    const r = marr(['describe', 'demo-trend'], { cwd: project });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('level:   computational');
    expect(r.stdout).toContain('inputs: a timeseries dataset (--data): a CSV with a time column; named files (--input): baseline (optional)');
    expect(r.stdout).toContain('  --input baseline=<path> (table, optional): a table whose row count is reported');
    expect(r.stdout).toContain('resamples: integer in [2, 1000] default 20');
    expect(r.stdout).toContain('Bootstrap resamples');
    expect(r.stdout).toContain('Efron (1979), Bootstrap methods <https://doi.org/10.1214/aos/1176344552>');
    const json = JSON.parse(marr(['describe', 'marr-demo-plugin:demo-loss', '--json'], { cwd: project }).stdout);
    expect(json.inputs.models).toEqual({ min: 1, max: 1 });
    const trend = JSON.parse(marr(['describe', 'demo-trend', '--json'], { cwd: project }).stdout);
    expect(trend.inputs.files.baseline).toMatchObject({ kind: 'table', flag: '--input baseline=<path>' });
    expect(json.params.map((p: { name: string }) => p.name)).toEqual(['contextLength', 'maxTokens']);
    expect(json.results).toMatchObject({ type: 'object', required: ['loss', 'predictions', 'windows'] });
    const text = marr(['describe', 'demo-loss'], { cwd: project }).stdout;
    expect(text).toContain('results (report.json; full schema: marr schema demo-loss):\n  loss: mean next-token cross-entropy, nats\n  predictions: scored positions\n  windows');
  });

  it('names an unknown analysis, suggests a close one and lists the valid ones', () => {
    expectUsageError(marr(['describe', 'demo-trnd'], { cwd: project }), /unknown analysis "demo-trnd"\. Did you mean "demo-trend"\?/, /Valid analyses: demo-broken, demo-loss, demo-trend/);
    expectUsageError(marr(['run', 'nope', '--out', 'o'], { cwd: project }), /unknown analysis "nope"/);
  });

  it('rejects unknown commands and options through commander with a suggestion', () => {
    const r = marr(['lst'], { cwd: project });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'lst'[\s\S]*Did you mean list\?/);
  });
});

describe('marr run', () => {
  it('recovers planted slopes, writes a schema-valid report.json and an offline report.html, prints a summary', () => {
    const out = join(project, 'out-a');
    const r = marr(['run', 'demo-trend', '--data', 'trend.csv', '--out', 'out-a', '--seed', '5', '--param', 'resamples=30'], { cwd: project });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^# Demo trend \(demo-trend, computational; marr-demo-plugin 0\.3\.0; seed 5\)/);
    expect(r.stdout).toContain('Wrote out-a/report.json and out-a/report.html');
    expect(readdirSync(out).sort()).toEqual(['report.html', 'report.json']);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.results.y0.slope).toBeCloseTo(2.5, 2);
    expect(report.results.y1.slope).toBeCloseTo(-0.75, 2);
    expect(report.params).toEqual({ resamples: 30, sleepMs: 0 });
    expect(report.inputs.data.path).toBe('trend.csv');
    expect(report.inputs.files).toEqual([{ role: 'data', ...report.inputs.data }]);
    expect(report.analysis.pluginVersion).toBe('0.3.0');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|<link/i);
  });

  it('reads named inputs given with --input, records them with their hash, and rejects unknown ones', () => {
    const r = marr(['run', 'demo-trend', '--data', 'trend.csv', '--input', 'baseline=trend.csv', '--out', 'out-input', '--json'], { cwd: project });
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(join(project, 'out-input', 'report.json'), 'utf8'));
    expect(report.results.baselineRows).toBe(readFileSync(join(project, 'trend.csv'), 'utf8').trim().split('\n').length - 1);
    expect(report.inputs.files.map((f: { role: string; path: string }) => [f.role, f.path])).toEqual([['data', 'trend.csv'], ['baseline', 'trend.csv']]);
    expect(report.inputs.files[1].sha256).toBe(report.inputs.data.sha256);
    const run = (...extra: string[]) => marr(['run', 'demo-trend', '--data', 'trend.csv', '--out', 'out-input-err', ...extra], { cwd: project });
    expectUsageError(run('--input', 'baselin=trend.csv'), /demo-trend has no input "baselin"; did you mean "baseline"\?/);
    expectUsageError(run('--input', 'baseline'), /--input "baseline" must look like name=path/);
    expectUsageError(run('--input', 'baseline=nope.csv'), /input "baseline" "nope.csv" does not exist/);
  });

  it('gives a byte-identical report.json apart from timings for the same seed', () => {
    const args = (out: string, seed: string) => ['run', 'demo-trend', '--data', csv, '--out', join(project, out), '--seed', seed, '--json'];
    const a = marr(args('same-1', '9'), { cwd: project });
    const b = marr(args('same-2', '9'), { cwd: project });
    const c = marr(args('other', '10'), { cwd: project });
    const read = (out: string) => readFileSync(join(project, out, 'report.json'), 'utf8');
    expect(withoutTimings(read('same-1'))).toBe(withoutTimings(read('same-2')));
    expect(withoutTimings(read('same-1'))).not.toBe(withoutTimings(read('other')));
    // --json prints the same envelope on stdout.
    expect(withoutTimings(a.stdout)).toBe(withoutTimings(read('same-1')));
    expect(b.status).toBe(0);
    expect(c.status).toBe(0);
  });

  it('reports every user error with the problem and the valid choices, before any work', () => {
    const run = (...extra: string[]) => marr(['run', 'demo-trend', '--out', join(project, 'err'), ...extra], { cwd: project });
    expectUsageError(run('--data', csv, '--param', 'resample=3'), /unknown parameter "resample"/, /resamples: integer in \[2, 1000\] default 20/, /sleepMs/);
    expectUsageError(run('--data', csv, '--param', 'resamples=5000'), /resamples = 5000/, /expected integer in \[2, 1000\]/);
    expectUsageError(run('--data', csv, '--param', 'resamples'), /not of the form key=value/);
    expectUsageError(run('--data', 'missing.csv'), /data file "missing.csv" does not exist/);
    expectUsageError(run('--data', csv, '--tokenizer', 'tok.bin'), /tokenizer file "tok.bin" does not exist/);
    expectUsageError(run(), /demo-trend needs a timeseries dataset .*no --data was given/);
    expectUsageError(run('--data', csv, '--model', 'x'), /1 --model were given; remove the extra ones/);
    expectUsageError(run('--data', csv, '--seed', '-3'), /--seed must be a non-negative integer, got "-3"/);
    expectUsageError(marr(['run', 'demo-trend', '--data', csv], { cwd: project }), /needs --out <dir>/);
    expectUsageError(marr(['run', 'demo-loss', '--data', csv, '--out', 'x'], { cwd: project }), /demo-loss needs 1 model \(--model\) with a tokenizer, hook point blocks\.\*\.hook_resid_post.*no --model was given/);
    writeFileSync(join(project, 'a-file'), 'x');
    expectUsageError(marr(['run', 'demo-trend', '--data', csv, '--out', 'a-file'], { cwd: project }), /--out "a-file" is a file/);
    expect(existsSync(join(project, 'err', 'report.json'))).toBe(false);
  });

  it('leaves no report behind when killed or interrupted mid-run', async () => {
    for (const signal of ['SIGKILL', 'SIGINT'] as const) {
      const out = join(project, `killed-${signal}`);
      const run = marrUntil(['run', 'demo-trend', '--data', csv, '--out', out, '--param', 'sleepMs=60000'], project, 'demo-trend: sleeping');
      await run.ready;
      run.child.kill(signal);
      const exit = await run.exited;
      if (signal === 'SIGINT') {
        expect(exit.code).toBe(2);
        expect(exit.stderr).toContain('marr: the run was cancelled');
      } else {
        expect(exit.signal).toBe('SIGKILL');
      }
      expect(readdirSync(out)).toEqual([]);
    }
  });

  it('explains a manifest that lists an analysis its module lacks', () => {
    const bad = scratchProject({ plugins: [join(fixtures, 'drifted-plugin')] });
    const r = marr(['run', 'drift-old', '--out', 'o'], { cwd: bad });
    expectUsageError(r, /lists "drift-old" in its package.json but its module does not define it/, /marr plugins --verify/);
  });

  it('shows a plugin bug as one line with exit code 1, and its stack trace only with --debug', () => {
    const plain = marr(['run', 'demo-broken', '--out', join(project, 'broken')], { cwd: project });
    expect(plain.status).toBe(1);
    expect(plain.stderr).toMatch(/^marr: Cannot read properties of undefined \(reading 'sections'\)\n\(run again with --debug for the stack trace\)\n$/);
    const debug = marr(['run', 'demo-broken', '--out', join(project, 'broken'), '--debug'], { cwd: project });
    expect(debug.status).toBe(1);
    expect(debug.stderr).toMatch(/TypeError: Cannot read properties of undefined[\s\S]*\n\s+at .*demo-plugin\/index\.js/);
    expect(readdirSync(join(project, 'broken'))).toEqual([]);
  });
});

describe('marr models / schema / create-plugin', () => {
  it('lists the models shipped in @marr/zoo (a dev dependency, built before these tests) and local models from the config', () => {
    const r = JSON.parse(marr(['models', '--json'], { cwd: project }).stdout);
    expect(r.local).toEqual([{ name: 'mine', path: join(project, 'models/mine') }]);
    const shippedDefault = r.shipped.find((m: { name: string }) => m.name === 'default');
    const config = JSON.parse(readFileSync(join(repoRoot, 'packages/zoo/models/default/config.json'), 'utf8'));
    expect(shippedDefault).toMatchObject({ path: join(repoRoot, 'packages/zoo/models/default'), architecture: config.architectures[0] });
    const text = marr(['models'], { cwd: project }).stdout;
    expect(text).toMatch(/^default\s+LlamaForCausalLM\s+\d+/m);
    expect(text).toContain(`Local models from ${join(project, 'marr.config.json')}:`);
  });

  it('prints the published report schema', () => {
    expect(JSON.parse(marr(['schema']).stdout)).toEqual(schema);
    const perAnalysis = JSON.parse(marr(['schema', 'demo-loss'], { cwd: project }).stdout);
    expect(perAnalysis.properties.results).toMatchObject({ required: ['loss', 'predictions', 'windows'] });
    expect(perAnalysis.properties.inputs).toEqual(schema.properties.inputs);
  });

  it('refuses an invalid plugin name or an existing folder', () => {
    expectUsageError(marr(['create-plugin', 'Bad Name'], { cwd: project }), /not a valid npm package name/);
    expectUsageError(marr(['create-plugin', 'apps', '--dir', repoRoot]), /already exists/);
    expectUsageError(marr(['create-plugin', 'demo', '--dir', '/proc']), /--dir .* is on the virtual filesystem \/proc/);
  });

  it('links @marr/core to the checkout it runs from (or to --local), says so, and takes registry versions with --no-local', () => {
    const parent = scratchProject({});
    const root = repoRoot.replace(/\/$/, '');
    const core = join(root, 'packages/core');
    const coreVersion = JSON.parse(readFileSync(join(core, 'package.json'), 'utf8')).version;
    const manifest = (name: string) => JSON.parse(readFileSync(join(parent, name, 'package.json'), 'utf8'));

    const detected = marr(['create-plugin', 'detected', '--dir', parent]);
    expect(detected.status).toBe(0);
    expect(detected.stdout).toContain(`@marr/core: linked to the marr checkout at ${root} (file:${core}; this marr runs from that checkout; --no-local for registry versions)`);
    expect(manifest('detected').devDependencies['@marr/core']).toBe(`file:${core}`);
    expect(manifest('detected').peerDependencies['@marr/core']).toBe(`^${coreVersion}`);

    const local = marr(['create-plugin', 'local', '--dir', parent, '--local', join(root, 'apps', '..')]);
    expect(local.stdout).toContain(`(file:${core}; --local)`);

    const registry = marr(['create-plugin', 'registry', '--dir', parent, '--no-local']);
    expect(registry.stdout).toContain(`@marr/core: ^${coreVersion} from the npm registry`);
    expect(manifest('registry').devDependencies['@marr/core']).toBe(`^${coreVersion}`);
  });

  it('refuses a --local path that is not a marr checkout, naming the fix', () => {
    expectUsageError(marr(['create-plugin', 'x', '--local', fixtures]), /--local .* is not a marr checkout .*give the repository root/);
    expectUsageError(marr(['create-plugin', 'x', '--local', '/nonexistent-marr']), /--local \/nonexistent-marr: .* does not exist/);
  });
});

describe('marr.config.js', () => {
  it('reads a JavaScript config that default-exports the same object', () => {
    const dir = scratchProject();
    writeFileSync(join(dir, 'marr.config.js'), `export default { plugins: [${JSON.stringify(join(fixtures, 'demo-plugin'))}] };\n`);
    const r = marr(['list', '--json'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).map((a: { id: string }) => a.id)).toEqual(['demo-trend', 'demo-loss', 'demo-broken']);
    writeFileSync(join(dir, 'marr.config.json'), '{ not json');
    expectUsageError(marr(['list'], { cwd: dir }), /marr.config.json is not valid JSON/);
  });
});
