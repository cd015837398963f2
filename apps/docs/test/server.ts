/** Serves the built site (apps/docs/dist) with Astro's own preview server on a free local port. */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { preview } from 'astro';

export const docsRoot = join(import.meta.dirname, '..');
export const distDir = join(docsRoot, 'dist');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function serveSite(): Promise<{ origin: string; stop(): Promise<void> }> {
  if (!existsSync(join(distDir, 'index.html'))) {
    throw new Error(`${distDir} has no built site: run \`npx nx build docs\` first (it runs the generation step too)`);
  }
  const port = await freePort();
  const server = await preview({ root: docsRoot, logLevel: 'warn', server: { host: '127.0.0.1', port } });
  return { origin: `http://127.0.0.1:${server.port}`, stop: () => server.stop() };
}
