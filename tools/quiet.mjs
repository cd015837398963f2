// Runs a command with its output held back: one line when it succeeds, the whole output when it fails.
//   node tools/quiet.mjs "<what>" <command> [args...]
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const [what, command, ...args] = process.argv.slice(2);
if (!what || !command) {
  process.stderr.write('usage: node tools/quiet.mjs "<what>" <command> [args...]\n');
  process.exit(2);
}
const started = performance.now();
const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
const chunks = [];
child.stdout.on('data', (c) => chunks.push(c));
child.stderr.on('data', (c) => chunks.push(c));
child.on('error', (err) => {
  process.stderr.write(`${what}: could not start ${command}: ${err.message}\n`);
  process.exit(1);
});
child.on('close', (code, signal) => {
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (code === 0) {
    process.stderr.write(`${what}: done in ${seconds} s\n`);
    return;
  }
  process.stderr.write(Buffer.concat(chunks));
  process.stderr.write(`\n${what} failed (${signal ?? `exit ${code}`}) after ${seconds} s; its output is above\n`);
  process.exit(code ?? 1);
});
