/**
 * The catalog the generation step writes (generated/catalog.json) and the site reads: every analysis of
 * every installed plugin as the CLI describes it, the shipped models, and the worked examples that were
 * actually run, each pointing at the report.json the CLI wrote.
 */
import type { ParamInfo, ReportEnvelope } from '@marr/core';

export type Level = 'computational' | 'algorithmic' | 'implementational';
export const LEVELS: readonly Level[] = ['computational', 'algorithmic', 'implementational'];

/** `marr describe <id> --json`, as printed by the CLI. */
export interface AnalysisDescription {
  id: string;
  title: string;
  level: Level;
  plugin: string;
  pluginVersion: string;
  summary: string;
  description: string | null;
  inputs: {
    models?: { min: number; max?: number };
    data?: { kind: string; required: boolean; description: string };
    /** Named inputs as `marr describe --json` prints them (kind as its id). */
    files?: Record<string, { kind: string; kindDescription: string; flag: string; description: string; required?: boolean; labelled?: boolean; min?: number; max?: number }>;
    hookPoints?: string[];
    capabilities?: string[];
  };
  params: ParamInfo[];
  /** JSON schema of the analysis's results (null when it declares none). */
  results: import('../src/lib/results-fields.js').JsonSchema | null;
  references: { title: string; url?: string }[];
}

/** One worked example: the exact command that was run and where its report lies. */
export interface ExampleRun {
  /** Unique within its analysis, kebab-case; the report lives in generated/reports/<analysis>/<name>/. */
  name: string;
  title: string;
  /** What the example shows, from the recipe (prose, no numbers). */
  about: string;
  /** The command as a user would type it (paths relative to the repository root). */
  command: string;
  /** Path of report.json relative to generated/. */
  reportJson: string;
  /** Path of report.html relative to generated/. */
  reportHtml: string;
  /** Wall-clock seconds the CLI took, measured by the generator. */
  seconds: number;
}

/** An example that could not be run here, and why (e.g. ../shared is absent). */
export interface SkippedExample {
  name: string;
  title: string;
  reason: string;
}

export interface CatalogAnalysis extends AnalysisDescription {
  examples: ExampleRun[];
  skipped: SkippedExample[];
}

export interface CatalogPlugin {
  name: string;
  version: string;
  description: string | null;
  readme: string | null;
  analyses: string[];
}

export interface ShippedModelInfo {
  name: string;
  path: string;
  architecture: string;
  parameters: number;
  purpose: string;
}

export interface HookPointTable {
  /** The model the names were read from (a shipped name). */
  model: string;
  /** Every hook point of the model (opt-in ones included) in execution order. */
  names: string[];
  /** One row per kind of hook point, from core's HOOK_POINTS table, with its shape for `seq` tokens. */
  rows: { name: string; axes: string[]; shape: number[]; short: string; optIn: string | null; description: string }[];
  seq: number;
}

/** The plugin authoring guide's example, created, built, listed and run while the site was generated. */
/** One command of the authoring example: what was typed, in which folder (relative), what it printed. */
export interface AuthoringStep {
  command: string;
  where: string;
  output: string;
}

/** The plugin authoring guide's example, captured through a local registry (see generate/authoring.ts). */
export interface AuthoringExample {
  packageName: string;
  folder: string;
  analysisId: string;
  /** The local registry: the address shown for it, how many third-party tarballs it was seeded with, what the release published. */
  registry: { shownUrl: string; seededTarballs: number; published: string[] };
  /** The user's project: `npm init -y`, `npm install marr-cli`. */
  setup: AuthoringStep[];
  create: AuthoringStep;
  files: { path: string; text: string }[];
  /** In the plugin's folder: `npm install`, `npm test`, `npm publish`. */
  install: AuthoringStep;
  test: AuthoringStep;
  publish: AuthoringStep;
  /** In the project: `npm install <plugin>` from the registry. */
  add: AuthoringStep;
  plugins: AuthoringStep;
  describe: AuthoringStep;
  run: AuthoringStep;
  /** Paths relative to generated/. */
  reportJson: string;
  reportHtml: string;
}

/** One script of the "Use marr from TypeScript" guide: its source (type-checked with the site) and what it printed. */
export interface LibraryScript {
  /** File name without extension, e.g. 03-hooks. */
  name: string;
  code: string;
  output: string;
  seconds: number;
}

/** A shipped multilevel study, run with `marr study` while the site was built. */
export interface CatalogStudy {
  name: string;
  title: string;
  description: string;
  /** The package that ships it. */
  package: string;
  model: string | null;
  /** The study file's text, as shipped. */
  source: string;
  command: string;
  /** Paths relative to generated/. */
  reportJson: string;
  reportHtml: string;
  seconds: number;
}

export interface Catalog {
  schemaVersion: 1;
  marrVersion: string;
  /** Whether ../shared was found (examples that need it were run). */
  sharedAvailable: boolean;
  /** The quick start commands, read from the root README. */
  quickStart: string;
  /** `marr --help`, verbatim. */
  cliHelp: string;
  /** `marr list`, verbatim. */
  listText: string;
  plugins: CatalogPlugin[];
  analyses: CatalogAnalysis[];
  models: ShippedModelInfo[];
  hookPoints: HookPointTable | null;
  authoring: AuthoringExample;
  /** The library guide's scripts, run while the site was generated. */
  library: LibraryScript[];
  /** The multilevel studies official packages ship, each run once (`marr study <name>`). */
  studies: CatalogStudy[];
}

export type { ReportEnvelope };
