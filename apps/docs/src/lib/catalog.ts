/**
 * The site's read access to what the generation step wrote: the catalog and each example's report.
 * Astro builds from apps/docs (the Nx project root), so generated/ is found from the working folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Catalog, CatalogAnalysis, CatalogStudy, ExampleRun, Level, ReportEnvelope } from '../../generate/catalog.js';

export type { Catalog, CatalogAnalysis, CatalogStudy, ExampleRun, Level, ReportEnvelope };
export { LEVELS } from '../../generate/catalog.js';

export const generatedDir = resolve(process.cwd(), 'generated');

let cached: Catalog | null = null;

export function readCatalog(): Catalog {
  if (cached) return cached;
  const path = join(generatedDir, 'catalog.json');
  if (!existsSync(path)) throw new Error(`${path} is missing: run the generation step first (npx nx run docs:generate)`);
  cached = JSON.parse(readFileSync(path, 'utf8')) as Catalog;
  return cached;
}

export function readReport(example: Pick<ExampleRun, 'reportJson'>): ReportEnvelope {
  return JSON.parse(readFileSync(join(generatedDir, example.reportJson), 'utf8')) as ReportEnvelope;
}

export const LEVEL_TITLES: Record<Level, string> = {
  computational: 'Computational',
  algorithmic: 'Algorithmic',
  implementational: 'Implementational',
};

/** What each of Marr's levels asks, for level pages and badges (after Marr, *Vision*, 1982, chapter 1). */
export const LEVEL_QUESTIONS: Record<Level, string> = {
  computational: 'What problem does the system solve, and why? Which behaviour does the model have, and which parts does it depend on?',
  algorithmic: 'Which representations and procedures solve it? What is computed, step by step, in which features?',
  implementational: 'How is it realised physically? Which neurons, heads and weights carry it out?',
};

/** The URL at which the site serves a file of generated/ (see src/pages/generated/[...path].ts). */
export function generatedUrl(relativePath: string): string {
  return `/generated/${relativePath}`;
}
