#!/usr/bin/env node
/**
 * The `marr` executable. User mistakes print one message on stderr and exit with code 2; other errors
 * print their message (with the stack under --debug) and exit with code 1.
 */
import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { isUsageError } from './errors.js';
import { fileSystemErrorMessage, isBrokenPipe } from './fs-errors.js';
import { createProgram } from './program.js';

function ownVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

// `marr ... | head`: when the reader closes the pipe, stop quietly instead of crashing with EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (isBrokenPipe(err)) process.exit(process.exitCode ?? 0);
    throw err;
  });
}

async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const program = createProgram(ownVersion());
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed its message (unknown command or option, missing argument, --help).
      return err.exitCode === 0 ? 0 : 2;
    }
    if (isUsageError(err)) {
      process.stderr.write(`marr: ${(err as Error).message}\n`);
      return 2;
    }
    if (isBrokenPipe(err)) return 0;
    const fsMessage = fileSystemErrorMessage(err);
    if (fsMessage && !debug) {
      process.stderr.write(`marr: ${fsMessage}\n`);
      return 1;
    }
    const e = err as Error;
    process.stderr.write(`marr: ${debug && e.stack ? e.stack : e.message}\n`);
    if (!debug) process.stderr.write('(run again with --debug for the stack trace)\n');
    return 1;
  }
}

process.exitCode = await main(process.argv);
