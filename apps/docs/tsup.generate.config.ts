import { readdirSync } from 'node:fs';
import { defineConfig } from 'tsup';

// Compiles the generation step (generate/*.ts) and the library guide's scripts (library/*.ts, run by the
// generation step as a user runs them) for Node; packages stay external.
const libraryScripts = Object.fromEntries(
  readdirSync('library')
    .filter((f) => f.endsWith('.ts'))
    .map((f) => [`library/${f.slice(0, -3)}`, `library/${f}`]),
);

export default defineConfig({
  entry: { main: 'generate/main.ts', ...libraryScripts },
  outDir: '.generate',
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  clean: true,
  sourcemap: true,
  splitting: false,
  // Run against the installed workspace packages, as a user's script would.
  skipNodeModulesBundle: true,
});
