/**
 * The "Use marr from TypeScript" guide's scripts (apps/docs/library/*.ts), run for real while the site is
 * generated: each is type-checked with the site (`docs:typecheck`), compiled with the generation step
 * (tsup.generate.config.ts) and run with Node from the repository root, as a user's script would be. The
 * guide shows each script's source and exactly what it printed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LibraryScript } from './catalog.js';
import { runNode } from './cli.js';
import { docsRoot, repoRoot } from './paths.js';

export async function libraryScripts(): Promise<LibraryScript[]> {
  const sourceDir = join(docsRoot, 'library');
  const names = readdirSync(sourceDir)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => f.slice(0, -3));
  const scripts: LibraryScript[] = [];
  for (const name of names) {
    const code = readFileSync(join(sourceDir, `${name}.ts`), 'utf8');
    const compiled = join(docsRoot, '.generate', 'library', `${name}.js`);
    const { stdout, stderr, seconds } = await runNode([compiled], `node library/${name}.js`, { cwd: repoRoot, timeoutSeconds: 300 });
    // Warnings a user would see (e.g. an unknown word) belong to the output too.
    const output = [stderr.trim(), stdout.trimEnd()].filter(Boolean).join('\n');
    scripts.push({ name, code, output, seconds });
  }
  return scripts;
}
