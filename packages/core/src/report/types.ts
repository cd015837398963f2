/**
 * What an analysis returns: machine-readable `results` (the public contract of each analysis, e.g.
 * `results.deletion` for layer-robustness) plus presentational sections that every renderer
 * (terminal, JSON, HTML) knows how to show.
 *
 * Every type here has a zod twin in `schema.ts` (checked against these interfaces at compile time), from
 * which the published JSON schema `report.schema.json` is generated.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface Scalar {
  name: string;
  value: number;
  unit?: string;
  stderr?: number;
  help?: string;
}

export interface ScalarsSection {
  kind: 'scalars';
  title: string;
  items: Scalar[];
}

export interface TableSection {
  kind: 'table';
  title: string;
  columns: string[];
  rows: (string | number | boolean | null)[][];
  /** Show only the first rows in the terminal (all rows go to JSON and HTML). */
  terminalRows?: number;
}

export interface Series {
  name: string;
  x: number[];
  y: number[];
  /** Optional error bars (same length as y). */
  error?: number[];
}

export interface Axis {
  label: string;
  scale?: 'linear' | 'log';
  domain?: [number, number];
}

export type FigureSpec =
  | { type: 'line' | 'scatter'; title: string; x: Axis; y: Axis; series: Series[]; marks?: FigureMark[] }
  | { type: 'bar'; title: string; x: Axis; y: Axis; categories: string[]; series: { name: string; values: number[] }[] }
  | { type: 'heatmap'; title: string; x: Axis; y: Axis; xLabels: string[]; yLabels: string[]; values: number[][]; colorLabel?: string };

/** A vertical rule or shaded band used to mark evidence on a figure (e.g. a stage of inference). */
export interface FigureMark {
  kind: 'rule' | 'band';
  from: number;
  to?: number;
  label: string;
}

export interface FigureSection {
  kind: 'figure';
  figure: FigureSpec;
  caption?: string;
}

export interface ArtifactSection {
  kind: 'artifact';
  name: string;
  shape: number[];
  /** Row-major values. */
  data: number[];
  description?: string;
}

export interface NoteSection {
  kind: 'note';
  title?: string;
  text: string;
}

/**
 * Text shown token by token, each token coloured by a value (an activation, a probability): top
 * activating contexts of a feature, a logit-lens token view. Token strings come from tokenizers and are
 * escaped by every renderer.
 */
export interface TokensSection {
  kind: 'tokens';
  title: string;
  /** What the values are (e.g. "activation of latent 441"), shown in the legend. */
  valueLabel: string;
  /** One line of tokens each; `values` has one number per token (colour 0 = none, the section's maximum = full). */
  rows: { label: string; tokens: string[]; values: number[] }[];
  caption?: string;
}

export type ReportSection = ScalarsSection | TableSection | FigureSection | ArtifactSection | NoteSection | TokensSection;

export interface Report {
  /** One-paragraph summary shown first everywhere. */
  summary: string;
  /** The analysis's machine-readable results (its documented contract). */
  results: { [key: string]: JsonValue };
  sections: ReportSection[];
}

/** A file read by a run, identified by content. */
export interface InputFile {
  path: string;
  sha256: string;
  bytes: number;
}

/** A file read by a run and what it was for: `data`, `tokenizer`, `model`/`model.N`, or a named input (`name`, `name.label`). */
export interface RoleFile extends InputFile {
  role: string;
}

/** Wall-clock facts about a run: the only fields that differ between two runs with the same seed. */
export interface ReportTimings {
  /** ISO 8601 time the run started. */
  startedAt: string;
  /** Seconds from start to finish, loading included. */
  totalSeconds: number;
  /** Seconds per phase (`load-models`, `load-data`, `analysis`, ...). */
  phases: { [phase: string]: number };
}

/** The envelope the runner writes as report.json: the report plus everything needed to reproduce it. */
export interface ReportEnvelope extends Report {
  schemaVersion: 1;
  analysis: {
    id: string;
    title: string;
    level: 'computational' | 'algorithmic' | 'implementational';
    plugin: string;
    pluginVersion: string;
  };
  marrVersion: string;
  params: { [key: string]: JsonValue };
  seed: number;
  inputs: {
    models: { spec: string; format: string; files: InputFile[] }[];
    data: InputFile | null;
    /**
     * Every file the run read (models' files, data, named inputs), with its role, in reading order. Always
     * written by the runner; optional so that report.json files written before it existed stay valid.
     */
    files?: RoleFile[];
  };
  /** Wall-clock timings; the only fields that differ between two runs with the same seed. */
  timings: ReportTimings;
}

/** An envelope as the runner builds it: `inputs.files` is always present. */
export type RunEnvelope = ReportEnvelope & { inputs: ReportEnvelope['inputs'] & { files: RoleFile[] } };
