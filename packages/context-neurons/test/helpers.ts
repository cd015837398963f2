import type { Progress } from '@marr/core';

export const silent: Progress = { start() {}, tick() {}, done() {} };
export const io = (): { progress: Progress; signal: AbortSignal } => ({ progress: silent, signal: new AbortController().signal });
