// @ts-check
/**
 * The marr docs site. The sidebar's analysis entries come from generated/catalog.json, written by the
 * generation step (`nx run docs:generate`), which runs the real CLI on the installed official plugins.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro';
import starlightTypeDoc, { typeDocSidebarGroup } from 'starlight-typedoc';

const catalogFile = fileURLToPath(new URL('./generated/catalog.json', import.meta.url));
if (!existsSync(catalogFile)) {
  throw new Error(`${catalogFile} is missing: run the generation step first (npx nx run docs:generate)`);
}
/** @type {import('./generate/catalog.js').Catalog} */
const catalog = JSON.parse(readFileSync(catalogFile, 'utf8'));

const LEVEL_LABELS = { computational: 'Computational', algorithmic: 'Algorithmic', implementational: 'Implementational' };

/** One sidebar group per Marr level: the level's overview page, then its analyses. */
const levelGroups = Object.entries(LEVEL_LABELS).map(([level, label]) => ({
  label,
  items: [
    { label: `${label} level`, link: `/levels/${level}/` },
    ...catalog.analyses
      .filter((a) => a.level === level)
      .map((a) => ({ label: a.title, link: `/analyses/${a.id}/` })),
  ],
}));

const repo = fileURLToPath(new URL('../../', import.meta.url));

export default defineConfig({
  site: 'https://marr.invalid',
  // Static files only, links with a trailing slash (what the browser test crawls).
  trailingSlash: 'always',
  integrations: [
    starlight({
      title: 'marr',
      description: 'Multilevel interpretability of neural networks, in TypeScript',
      // No Google Fonts or other remote assets: Starlight bundles everything it needs.
      plugins: [
        starlightTypeDoc({
          entryPoints: [`${repo}packages/core/src/index.ts`, `${repo}packages/report-html/src/index.ts`],
          tsconfig: `${repo}packages/core/tsconfig.json`,
          output: 'api',
          sidebar: { label: 'API reference', collapsed: true },
          typeDoc: {
            skipErrorChecking: true,
            excludePrivate: true,
            excludeInternal: true,
            entryPointStrategy: 'resolve',
            disableSources: true,
            readme: 'none',
          },
        }),
      ],
      sidebar: [
        {
          label: 'Start here',
          items: [
            { label: 'Quick start', slug: 'quick-start' },
            { label: 'Shipped models', link: '/models/' },
          ],
        },
        { label: 'Concepts', autogenerate: { directory: 'concepts' } },
        {
          label: 'Analyses by level',
          items: [{ label: 'All analyses', link: '/analyses/' }, ...levelGroups, { label: 'Plugins', link: '/plugins/' }],
        },
        { label: 'Guides', autogenerate: { directory: 'guides' } },
        { label: 'Reference', items: [{ label: 'CLI', link: '/reference/cli/' }, { label: 'Report format', slug: 'reference/report-format' }, typeDocSidebarGroup] },
      ],
      customCss: ['./src/styles/marr.css'],
      lastUpdated: false,
    }),
  ],
});
