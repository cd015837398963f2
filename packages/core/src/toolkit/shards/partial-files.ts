/**
 * A shard's output folder: `partial.json` (what ran: analysis, plugin and marr versions, seed, parameters,
 * the inputs with their hashes, which shard and which work items) and `partial.safetensors` (the float64
 * statistics, `sum/<name>` and `constant/<name>`, a standard safetensors file numpy and torch read too).
 */
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MarrUsageError } from '../../analysis/errors.js';
import type { FileSetEntry } from '../../loading/atomic-write.js';
import { readSafetensorsHeader } from '../../loading/safetensors.js';
import type { ReportEnvelope, ReportTimings, RoleFile } from '../../report/types.js';
import { partialArray, stateArrays, type PartialArray, type PartialRole, type PartialState } from './partial-state.js';
import type { ItemRange, ShardSelection } from './shard-selection.js';

export const PARTIAL_JSON = 'partial.json';
export const PARTIAL_ARRAYS = 'partial.safetensors';
export const PARTIAL_KIND = 'marr-partial' as const;

/** partial.json: the report envelope's description of the run, with the shard instead of the results. */
export interface PartialEnvelope {
  kind: typeof PARTIAL_KIND;
  schemaVersion: 1;
  analysis: ReportEnvelope['analysis'];
  marrVersion: string;
  seed: number;
  params: ReportEnvelope['params'];
  inputs: ReportEnvelope['inputs'] & { files: RoleFile[] };
  shard: ShardSelection;
  items: ItemRange;
  /** The arrays in partial.safetensors, in file order. */
  arrays: { name: string; role: PartialRole; shape: number[] }[];
  /** The state's text constants. */
  text: Record<string, string[]>;
  timings: ReportTimings;
}

/** A shard folder as read back. */
export interface ShardFolder {
  dir: string;
  envelope: PartialEnvelope;
  state: PartialState;
}

function encodeF64(entries: { key: string; array: PartialArray }[]): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { format: PARTIAL_KIND } };
  let offset = 0;
  for (const { key, array } of entries) {
    header[key] = { dtype: 'F64', shape: array.shape, data_offsets: [offset, offset + array.data.byteLength] };
    offset += array.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat(Math.ceil(Buffer.byteLength(json) / 8) * 8 - Buffer.byteLength(json));
  const head = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let pos = 8 + head.length;
  for (const { array } of entries) {
    out.set(new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength), pos);
    pos += array.data.byteLength;
  }
  return out;
}

/** The two files of a shard folder (write them with writeFileSet, all or nothing). */
export function partialFiles(envelope: Omit<PartialEnvelope, 'arrays' | 'items' | 'text'>, state: PartialState): FileSetEntry[] {
  const arrays = stateArrays(state);
  const full: PartialEnvelope = {
    ...envelope,
    items: state.items,
    arrays: arrays.map(({ name, role, array }) => ({ name, role, shape: array.shape })),
    text: Object.fromEntries(Object.keys(state.text ?? {}).sort().map((k) => [k, state.text![k]])),
  };
  // Keys in the order the fields are declared, so partial.json reads like report.json.
  const ordered: PartialEnvelope = {
    kind: full.kind, schemaVersion: full.schemaVersion, analysis: full.analysis, marrVersion: full.marrVersion, seed: full.seed,
    params: full.params, inputs: full.inputs, shard: full.shard, items: full.items, arrays: full.arrays, text: full.text, timings: full.timings,
  };
  return [
    { name: PARTIAL_JSON, data: JSON.stringify(ordered, null, 2) + '\n' },
    { name: PARTIAL_ARRAYS, data: encodeF64(arrays.map(({ name, role, array }) => ({ key: `${role}/${name}`, array }))) },
  ];
}

function bad(dir: string, problem: string): never {
  throw new MarrUsageError(`${dir} is not a marr shard folder: ${problem}`);
}

function checkEnvelope(dir: string, v: unknown): PartialEnvelope {
  const e = v as Partial<PartialEnvelope> | null;
  if (!e || typeof e !== 'object' || e.kind !== PARTIAL_KIND) bad(dir, `${PARTIAL_JSON} has no "kind": "${PARTIAL_KIND}"`);
  if (e.schemaVersion !== 1) bad(dir, `${PARTIAL_JSON} has schemaVersion ${JSON.stringify(e.schemaVersion)}; this marr reads 1`);
  const range = e.items;
  const shard = e.shard;
  if (!shard || !Number.isSafeInteger(shard.index) || !Number.isSafeInteger(shard.count) || shard.index < 0 || shard.index >= shard.count) {
    bad(dir, `${PARTIAL_JSON} has no valid "shard" {index, count}`);
  }
  if (!range || ![range.start, range.end, range.total].every((x) => Number.isSafeInteger(x) && x >= 0) || range.start > range.end || range.end > range.total) {
    bad(dir, `${PARTIAL_JSON} has no valid "items" {start, end, total}`);
  }
  if (!e.analysis || typeof e.analysis.id !== 'string' || typeof e.analysis.plugin !== 'string' || !Array.isArray(e.arrays) || !e.inputs || typeof e.seed !== 'number' || !e.params) {
    bad(dir, `${PARTIAL_JSON} lacks analysis, seed, params, inputs or arrays`);
  }
  return e as PartialEnvelope;
}

/** Reads a shard folder back: partial.json checked, every array read as float64 and matched to it. */
export async function readShardFolder(dir: string): Promise<ShardFolder> {
  const info = await stat(dir).catch(() => null);
  if (!info) throw new MarrUsageError(`shard folder "${dir}" does not exist; give the --out folders of the shard runs`);
  if (!info.isDirectory()) throw new MarrUsageError(`"${dir}" is not a folder; give the --out folders of the shard runs`);
  const jsonPath = join(dir, PARTIAL_JSON);
  const text = await readFile(jsonPath, 'utf8').catch(() => null);
  if (text === null) {
    const report = await stat(join(dir, 'report.json')).catch(() => null);
    bad(dir, report ? 'it holds a finished report.json (a run without --shard), which cannot be merged' : `it has no ${PARTIAL_JSON}; run marr run ... --shard i/N --out ${dir} first`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    bad(dir, `${PARTIAL_JSON} is not valid JSON (${(err as Error).message})`);
  }
  const envelope = checkEnvelope(dir, parsed);
  const arraysPath = join(dir, PARTIAL_ARRAYS);
  if (!(await stat(arraysPath).catch(() => null))) bad(dir, `${PARTIAL_ARRAYS} is missing`);
  const header = await readSafetensorsHeader(arraysPath);
  const byKey = new Map(header.entries.map((e) => [e.name, e]));
  const textConstants = envelope.text ?? {};
  if (typeof textConstants !== 'object' || Object.values(textConstants).some((v) => !Array.isArray(v) || v.some((x) => typeof x !== 'string'))) bad(dir, `${PARTIAL_JSON} has a "text" that is not lists of strings`);
  const state: PartialState = { items: envelope.items, sums: {}, constants: {}, text: textConstants };
  const fh = await open(arraysPath, 'r');
  try {
    for (const a of envelope.arrays) {
      const entry = byKey.get(`${a.role}/${a.name}`);
      if (!entry || entry.dtype !== 'F64' || entry.shape.join(',') !== a.shape.join(',')) {
        bad(dir, `${PARTIAL_ARRAYS} has no F64 array ${a.role}/${a.name} of shape [${a.shape.join(', ')}] as ${PARTIAL_JSON} lists`);
      }
      const data = new Float64Array((entry.end - entry.begin) / 8);
      await fh.read(new Uint8Array(data.buffer), 0, entry.end - entry.begin, header.dataStart + entry.begin);
      (a.role === 'sum' ? state.sums : state.constants)[a.name] = partialArray(a.shape, data);
    }
  } finally {
    await fh.close();
  }
  if (header.entries.length !== envelope.arrays.length) bad(dir, `${PARTIAL_ARRAYS} holds arrays that ${PARTIAL_JSON} does not list`);
  return { dir, envelope, state };
}
