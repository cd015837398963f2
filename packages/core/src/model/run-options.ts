/**
 * Unknown option names are an error, not ignored: a misspelt `stopAtLayers` would otherwise run the
 * whole model silently.
 */
import { unknownNameError } from './hook-points.js';
import type { GenerateOptions, RunOptions } from './types.js';

const RUN_OPTIONS: readonly (keyof RunOptions)[] = ['attentionMask', 'hooks', 'cache', 'schedule', 'stopAtLayer', 'startAt', 'optIn', 'returnLogits'];
const GENERATE_OPTIONS: readonly (keyof GenerateOptions)[] = ['maxNewTokens', 'temperature', 'topK', 'seed', 'stopAtEos', 'hooks', 'schedule', 'optIn'];

function checkKeys(options: object, valid: readonly string[], what: string): void {
  if (options === null || typeof options !== 'object') throw new TypeError(`${what}: options must be an object`);
  for (const k of Object.keys(options)) {
    if (!valid.includes(k)) throw unknownNameError(`${what} option`, k, valid, `(valid: ${valid.join(', ')})`);
  }
}

export function checkRunOptions(options: RunOptions, what: string): void {
  checkKeys(options, RUN_OPTIONS, what);
  if (options.hooks !== undefined && !Array.isArray(options.hooks)) throw new TypeError(`${what}: hooks must be an array of { name, edit } or { name, observe }`);
}

export function checkGenerateOptions(options: GenerateOptions): void {
  checkKeys(options, GENERATE_OPTIONS, 'generate');
}
