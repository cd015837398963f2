import { defineConfig } from 'tsup';

// Compiles the generation step (generate/*.ts) for Node; packages stay external.
export default defineConfig({
  entry: { main: 'generate/main.ts' },
  outDir: '.generate',
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  clean: true,
  sourcemap: true,
  // Run against the installed workspace packages, as a user's script would.
  skipNodeModulesBundle: true,
});
