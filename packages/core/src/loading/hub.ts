/**
 * Fetching an HF hub model (`owner/name`) into a local cache folder with `fetch`: config.json, the tokenizer
 * files when the repository has them, and the safetensors weights (single file or sharded by the index).
 *
 * Network use is opt-in: only with `allowRemote: true` or `MARR_ALLOW_REMOTE=1`. A complete cached copy is
 * used without any network access. Downloads go to a temporary file and are renamed into place.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { settings } from '../settings.js';
import { writeFileAtomic } from './atomic-write.js';
import { parseShardIndex, SAFETENSORS_INDEX, SAFETENSORS_SINGLE } from './safetensors-sharded.js';

export type FetchLike = (url: string, init?: { headers?: Record<string, string> }) => Promise<{
  ok: boolean;
  status: number;
  statusText?: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}>;

export interface HubOptions {
  allowRemote?: boolean;
  /** Cache root; default `$MARR_CACHE_DIR` or `~/.cache/marr/hub`. */
  cacheDir?: string;
  /** Hub base URL; default `$HF_ENDPOINT` or https://huggingface.co. */
  baseUrl?: string;
  revision?: string;
  /** The fetch implementation (tests inject one that reads local files). */
  fetch?: FetchLike;
}

const HUB_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
const COMPLETE_MARKER = '.marr-complete';
const OPTIONAL_FILES = ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json'];

export function isHubId(spec: string): boolean {
  return HUB_ID.test(spec) && !spec.includes('..');
}

export function remoteAllowed(options: HubOptions): boolean {
  return options.allowRemote === true || settings().allowRemote;
}

const REVISION = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The cache folder for a hub id and revision. */
export function hubCacheFolder(id: string, options: HubOptions = {}): string {
  if (!isHubId(id)) throw new Error(`"${id}" is not a hub id of the form owner/name`);
  if (options.revision !== undefined && (!REVISION.test(options.revision) || options.revision.includes('..'))) {
    throw new Error(`hub revision ${JSON.stringify(options.revision)} must be a branch, tag or commit name (letters, digits, ".", "_", "-")`);
  }
  const root = options.cacheDir ?? settings().cacheDir;
  return join(root, id.replace('/', '--'), options.revision ?? 'main');
}

/** Downloads (or finds in the cache) an HF hub model; returns the local folder. */
export async function fetchHubModel(id: string, options: HubOptions = {}): Promise<string> {
  const dir = hubCacheFolder(id, options);
  if (existsSync(join(dir, COMPLETE_MARKER))) return dir;
  if (!remoteAllowed(options)) {
    throw new Error(
      `${id} is not in the local cache (${dir}) and downloading is off. Allow it with loadWeights(spec, { allowRemote: true }) ` +
        `or the environment variable MARR_ALLOW_REMOTE=1, or download the model yourself and pass its local folder.`,
    );
  }
  const fetchFn: FetchLike = options.fetch ?? (globalThis.fetch as unknown as FetchLike);
  const base = (options.baseUrl ?? settings().hfEndpoint).replace(/\/+$/, '');
  const revision = options.revision ?? 'main';
  const token = settings().hfToken;
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  await mkdir(dir, { recursive: true });

  const download = async (file: string, required: boolean): Promise<boolean> => {
    const target = join(dir, file);
    if (existsSync(target)) return true;
    const url = `${base}/${id}/resolve/${encodeURIComponent(revision)}/${file}`;
    let res: Awaited<ReturnType<FetchLike>>;
    try {
      res = await fetchFn(url, { headers });
    } catch (err) {
      throw new Error(`could not download ${url} (${(err as Error).message}). If you are offline, pass a local model folder instead of the hub id ${id}.`);
    }
    if (!res.ok) {
      if (!required && (res.status === 404 || res.status === 403)) return false;
      throw new Error(`downloading ${url} failed: HTTP ${res.status} ${res.statusText ?? ''}`.trim() + (res.status === 401 ? ' (a gated or private model: set HF_TOKEN)' : ''));
    }
    await writeFileAtomic(target, new Uint8Array(await res.arrayBuffer()));
    return true;
  };

  await download('config.json', true);
  for (const f of OPTIONAL_FILES) await download(f, false);
  if (await download(SAFETENSORS_INDEX, false)) {
    const indexPath = join(dir, SAFETENSORS_INDEX);
    const index = parseShardIndex(indexPath, await readFile(indexPath, 'utf8'));
    for (const shard of index.shards) await download(shard, true);
  } else if (!(await download(SAFETENSORS_SINGLE, false))) {
    throw new Error(`${id} has neither ${SAFETENSORS_SINGLE} nor ${SAFETENSORS_INDEX} at revision ${revision}; marr loads safetensors weights only (never pickle .bin files)`);
  }
  await writeFileAtomic(join(dir, COMPLETE_MARKER), new Date().toISOString() + '\n');
  return dir;
}
