/** Access to ../shared/data/sindy for tests (through sharedFixture, so absence skips with a reason). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedFixture } from '@marr/core';

export const SYSTEMS = ['lorenz', 'vanderpol', 'duffing', 'lotka_volterra', 'rossler', 'cubic_oscillator'] as const;
export type SharedSystem = (typeof SYSTEMS)[number];

export interface SharedLibraryMeta {
  degree: number;
  n_features: number;
  feature_names: string[];
  feature_exponents: number[][];
  true_coefficients: number[][];
  true_support: number[][];
}

export interface SharedMeta {
  system: string;
  state_names: string[];
  dt: number;
  n_samples: number;
  primary_library: string;
  libraries: Record<string, SharedLibraryMeta>;
}

export const sindyFixture = sharedFixture('data/sindy/index.json');
export const sindyDir = sindyFixture.path ? join(sindyFixture.path, '..') : '';

export function sharedMeta(system: SharedSystem): SharedMeta {
  return JSON.parse(readFileSync(join(sindyDir, `${system}_meta.json`), 'utf8')) as SharedMeta;
}

export function sharedPath(relative: string): string {
  return join(sindyDir, relative);
}
