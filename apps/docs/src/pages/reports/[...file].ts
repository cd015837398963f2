/**
 * Serves every example's report.json and report.html as static files (/reports/<analysis>/<example>/…),
 * copied byte for byte from what the CLI wrote.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIRoute } from 'astro';
import { generatedDir, readCatalog } from '../../lib/catalog';

export function getStaticPaths() {
  return readCatalog().analyses.flatMap((a) =>
    a.examples.flatMap((e) => [e.reportJson, e.reportHtml].map((path) => ({ params: { file: path.replace(/^reports\//, '') }, props: { path } }))),
  );
}

export const GET: APIRoute = ({ props }) => {
  const path = (props as { path: string }).path;
  const type = path.endsWith('.json') ? 'application/json' : 'text/html; charset=utf-8';
  return new Response(readFileSync(join(generatedDir, path)), { headers: { 'Content-Type': type } });
};
