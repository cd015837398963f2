/**
 * The files of a new plugin package: an example analysis (column statistics of a table, which needs no
 * model), its test against closed-form values, a README and a TypeScript build.
 */
export interface TemplateOptions {
  /** npm package name, e.g. `marr-plugin-foo` or `@me/marr-foo`. */
  packageName: string;
  /** Version range of @marr/core to depend on. */
  coreRange: string;
  /**
   * What the plugin's own install takes @marr/core from (its devDependency): a `file:` link to a marr
   * checkout's package, or, by default, `coreRange` from the registry.
   */
  coreSource?: string;
}

/** A kebab-case analysis id prefix from a package name (`@me/marr-foo` -> `foo`). */
export function analysisPrefix(packageName: string): string {
  const base = packageName.split('/').pop()!.replace(/^marr-(plugin-)?/, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return /^[a-z]/.test(base) ? base : `p-${base || 'plugin'}`;
}

export function pluginFiles(opts: TemplateOptions): Record<string, string> {
  const id = `${analysisPrefix(opts.packageName)}-column-stats`;
  const summary = 'Mean and standard deviation of every numeric column of a table';
  const pkg = {
    name: opts.packageName,
    version: '0.1.0',
    description: `A marr plugin: ${summary.toLowerCase()}`,
    type: 'module',
    license: 'MIT',
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' }, './package.json': './package.json' },
    files: ['dist', 'README.md'],
    keywords: ['marr-plugin'],
    scripts: {
      build: 'tsc -p tsconfig.build.json && node scripts/manifest.mjs',
      prepack: 'npm run build',
      test: 'vitest run',
      typecheck: 'tsc -p tsconfig.json --noEmit',
    },
    marr: { plugin: true, apiVersion: 1, analyses: [{ id, title: 'Column statistics', level: 'computational', summary }] },
    peerDependencies: { '@marr/core': opts.coreRange },
    devDependencies: { '@marr/core': opts.coreSource ?? opts.coreRange, '@types/node': '^20.19.0', typescript: '~5.9.0', vitest: '^4.1.0' },
  };
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['ES2023'],
      types: ['node'],
      strict: true,
      declaration: true,
      sourceMap: true,
      skipLibCheck: true,
      resolveJsonModule: true,
      outDir: 'dist',
      rootDir: '.',
    },
    include: ['src', 'test'],
  };
  const tsconfigBuild = { extends: './tsconfig.json', compilerOptions: { rootDir: 'src', noEmit: false }, include: ['src'] };
  const index = `/**
 * ${opts.packageName}: a marr plugin. Its name and version come from package.json; \`npm run build\` writes
 * its analyses into package.json under "marr" (scripts/manifest.mjs), so that \`marr list\` can show them
 * without importing this module; the test checks the two agree.
 */
import { definePlugin, PLUGIN_API_VERSION, pluginPackage } from '@marr/core';
import { columnStats } from './column-stats.js';

export default definePlugin({
  ...pluginPackage(import.meta.url),
  apiVersion: PLUGIN_API_VERSION,
  analyses: [columnStats],
});
`;
  const analysis = `/** Mean and standard deviation of each numeric column of a table: the smallest complete analysis. */
import { defineAnalysis, z, type TableDataset } from '@marr/core';

export const columnStats = defineAnalysis({
  id: '${id}',
  title: 'Column statistics',
  level: 'computational',
  summary: '${summary}',
  description: 'Reads a CSV table (--data) and reports each numeric column\\'s mean and sample standard deviation.',
  inputs: { data: { kind: 'table', required: true, description: 'a CSV file with a header row' } },
  params: z.object({
    skipNaN: z.boolean().default(true).describe('Ignore empty and non-numeric cells'),
    digits: z.number().int().min(1).max(12).default(6).describe('Significant digits in the summary line'),
  }),
  async run(ctx) {
    const table = ctx.data as TableDataset;
    const columns = table.columns.filter((c) => !(c in table.text));
    const stats: Record<string, { mean: number; std: number; n: number }> = {};
    ctx.progress.start('columns', columns.length);
    for (const c of columns) {
      const values = Array.from(table.numeric[c]).filter((v) => !ctx.params.skipNaN || !Number.isNaN(v));
      const n = values.length;
      const mean = values.reduce((a, b) => a + b, 0) / n;
      const std = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
      stats[c] = { mean, std, n };
      ctx.progress.tick();
    }
    ctx.progress.done();
    const first = columns[0];
    return {
      summary: first
        ? \`\${columns.length} numeric columns; \${first} has mean \${stats[first].mean.toPrecision(ctx.params.digits)}.\`
        : 'No numeric columns.',
      results: { stats },
      sections: [
        {
          kind: 'table',
          title: 'Column statistics',
          columns: ['column', 'n', 'mean', 'std'],
          rows: columns.map((c) => [c, stats[c].n, stats[c].mean, stats[c].std]),
        },
        {
          kind: 'figure',
          figure: {
            type: 'bar',
            title: 'Column means',
            x: { label: 'column' },
            y: { label: 'mean' },
            categories: columns,
            series: [{ name: 'mean', values: columns.map((c) => stats[c].mean) }],
          },
        },
      ],
    };
  },
});
`;
  const test = `import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manifestProblems, runAnalysis } from '@marr/core';
import { describe, expect, it } from 'vitest';
import plugin from '../src/index.js';
import { columnStats } from '../src/column-stats.js';
import packageJson from '../package.json' with { type: 'json' };

describe('${id}', () => {
  it('matches closed-form means and standard deviations', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plugin-test-'));
    const csv = join(dir, 'table.csv');
    // x = 1..5: mean 3, sample std sqrt(2.5); y = 2x: mean 6, std 2 sqrt(2.5)
    writeFileSync(csv, 'x,y,name\\n1,2,a\\n2,4,b\\n3,6,c\\n4,8,d\\n5,10,e\\n');
    const report = await runAnalysis({ plugin, analysis: columnStats, dataPath: csv });
    const stats = report.results.stats as Record<string, { mean: number; std: number }>;
    expect(Object.keys(stats)).toEqual(['x', 'y']);
    expect(stats.x.mean).toBeCloseTo(3, 12);
    expect(stats.x.std).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(stats.y.std).toBeCloseTo(2 * Math.sqrt(2.5), 12);
  });

  it('keeps the package.json manifest in step with the module', () => {
    expect(manifestProblems(packageJson, plugin)).toEqual([]);
  });

});
`;
  const readme = `# ${opts.packageName}

A plugin for marr, multilevel interpretability of neural networks. Analyses:

| id | level | summary |
|---|---|---|
| \`${id}\` | computational | ${summary} |

## Use

\`\`\`sh
npm install ${opts.packageName}        # next to marr-cli; marr discovers it from package.json
marr list
marr describe ${id}
marr run ${id} --data table.csv --out out/
\`\`\`

## Develop

\`\`\`sh
npm install
npm run build
npm test
npm publish        # builds first (prepack), then publishes to your registry
\`\`\`

Analyses are declared in \`src/\`; \`npm run build\` generates the \`"marr"\` manifest in \`package.json\` from the
built module (\`scripts/manifest.mjs\`), so \`marr list\` stays fast without importing plugin code. The test
\`keeps the package.json manifest in step with the module\` fails if they drift; \`marr plugins --verify\`
checks installed plugins the same way.
`;
  return {
    'package.json': JSON.stringify(pkg, null, 2) + '\n',
    'tsconfig.json': JSON.stringify(tsconfig, null, 2) + '\n',
    'tsconfig.build.json': JSON.stringify(tsconfigBuild, null, 2) + '\n',
    'src/index.ts': index,
    'src/column-stats.ts': analysis,
    'test/index.test.ts': test,
    'README.md': readme,
    'scripts/manifest.mjs':
      '// Writes the "marr" manifest into package.json from the built module (run by npm run build).\n' +
      "import { fileURLToPath } from 'node:url';\n" +
      "import { writePluginManifest } from '@marr/core/protocol';\n" +
      "const { changed } = await writePluginManifest(fileURLToPath(new URL('..', import.meta.url)));\n" +
      "console.log(changed ? 'wrote the marr manifest in package.json' : 'marr manifest unchanged');\n",
    '.gitignore': 'node_modules\ndist\n',
  };
}
