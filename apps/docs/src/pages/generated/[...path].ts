/**
 * Serves the files the generation step wrote for download (each example's report.json and report.html,
 * the authoring example's report, each shipped study's report) at /generated/<path>, byte for byte as the CLI wrote them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIRoute } from 'astro';
import { generatedDir, readCatalog } from '../../lib/catalog';

export function getStaticPaths() {
  const catalog = readCatalog();
  const files = [
    ...catalog.analyses.flatMap((a) => a.examples.flatMap((e) => [e.reportJson, e.reportHtml])),
    catalog.authoring.reportJson,
    catalog.authoring.reportHtml,
    ...(catalog.studies ?? []).flatMap((s) => [s.reportJson, s.reportHtml]),
  ];
  return files.map((path) => ({ params: { path }, props: { path } }));
}

export const GET: APIRoute = ({ props }) => {
  const path = (props as { path: string }).path;
  const type = path.endsWith('.json') ? 'application/json' : 'text/html; charset=utf-8';
  return new Response(readFileSync(join(generatedDir, path)), { headers: { 'Content-Type': type } });
};
