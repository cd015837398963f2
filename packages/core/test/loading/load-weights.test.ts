import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sharedFixture } from '../../src/fixtures/shared.js';
import { convertLlama2cToHf } from '../../src/loading/convert.js';
import type { FetchLike } from '../../src/loading/hub.js';
import { loadWeights } from '../../src/loading/load-weights.js';
import { reloadSettings } from '../../src/settings.js';
import { readSafetensors, writeSafetensors } from '../../src/loading/safetensors.js';
import { tempDir } from './helpers.js';

const stories = sharedFixture('models/stories260K/stories260K.bin');
const tok512 = sharedFixture('models/stories260K/tok512.bin');
const tiny500 = sharedFixture('models/tinystories-500it/model.bin');
const baby105 = sharedFixture('models/babyllama-tok105/model5000.bin');
const baby361 = sharedFixture('models/babyllama-tok361/model5000.bin');
const tok105 = sharedFixture('models/babyllama-tok105/tok105.bin');
const mingpt = sharedFixture('models/gpt-nano-sort/gpt-nano-sort-model.json');
const dir = tempDir();

describe('loadWeights on llama2.c checkpoints', () => {
  it.skipIf(!stories.path)(`finds the tokenizer beside stories260K and hashes the files ${stories.reason}`, async () => {
    const m = await loadWeights(stories.path!);
    expect(m.source.format).toBe('llama2c');
    // SHA-256 values quoted in shared/models/stories260K/SOURCE.txt
    expect(m.source.files).toEqual([
      { path: stories.path!, sha256: 'b0a507e7ad0f626624f17112325e66691f9076d622e1d3274d103d00299f2696', bytes: 1_056_540 },
      { path: tok512.path!, sha256: '037cb335abb25d1fa9e8ecae30ed2a3a8ace9302862ebcdc05d51a6bbb10c312', bytes: 6_227 },
    ]);
    expect(m.tokenizer!.vocabSize).toBe(512);
    expect(m.tokenizer!.decode(m.tokenizer!.encode('Once upon a time'))).toBe('Once upon a time');
  });
  it.skipIf(!tiny500.path || !tok512.path)(`takes options.tokenizer for tinystories-500it ${tiny500.reason}`, async () => {
    expect((await loadWeights(tiny500.path!)).tokenizer).toBeNull(); // nothing beside it
    const m = await loadWeights(tiny500.path!, { tokenizer: tok512.path! });
    expect(m.config.dMlp).toBe(192);
    expect(m.tokenizer!.vocabSize).toBe(512);
    expect(m.source.files.map((f) => f.path)).toEqual([tiny500.path, tok512.path]);
  });
  it.skipIf(!baby105.path || !baby361.path)(`loads both babyllama runs with their tokenizers ${baby105.reason}`, async () => {
    const a = await loadWeights(baby105.path!);
    const b = await loadWeights(baby361.path!);
    expect([a.tokenizer!.vocabSize, b.tokenizer!.vocabSize]).toEqual([105, 361]);
    expect(a.tokenizer!.decode(a.tokenizer!.encode('Once upon a time'))).toBe('Once upon a time');
    expect(b.tokenizer!.decode(b.tokenizer!.encode('Once upon a time'))).toBe('Once upon a time');
  });
  it.skipIf(!tiny500.path || !tok105.path)('rejects a tokenizer that does not fit the model', async () => {
    await expect(loadWeights(tiny500.path!, { tokenizer: tok105.path! })).rejects.toThrow(/has 105 tokens but the model's vocabulary has 512/);
  });
});

describe('loadWeights dispatch and errors', () => {
  it.skipIf(!mingpt.path)('loads a minGPT JSON state dict', async () => {
    const m = await loadWeights(mingpt.path!);
    expect(m.source.format).toBe('mingpt-json');
    expect(m.config.architecture).toBe('gpt2');
    expect(m.tokenizer).toBeNull();
  });
  it('refuses pickle checkpoints, unknown files and unknown specs', async () => {
    const pt = join(dir, 'model.pt');
    writeFileSync(pt, 'x');
    await expect(loadWeights(pt)).rejects.toThrow(/PyTorch pickle.*never loads pickle files/);
    const txt = join(dir, 'model.onnx');
    writeFileSync(txt, 'x');
    await expect(loadWeights(txt)).rejects.toThrow(/unknown model file type ".onnx"/);
    await expect(loadWeights('./no/such/model.bin')).rejects.toThrow(/neither an existing file or folder nor a hub id/);
    await expect(loadWeights(dir)).rejects.toThrow(/folder without config.json/);
  });
});

describe.skipIf(!stories.path || !tok512.path)(`loadWeights on hub ids (served from a local folder) ${stories.reason}`, () => {
  const remote = join(dir, 'remote', 'karpathy', 'stories260K');
  const saved = process.env.MARR_ALLOW_REMOTE;
  beforeEach(() => {
    delete process.env.MARR_ALLOW_REMOTE;
    reloadSettings();
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.MARR_ALLOW_REMOTE;
    else process.env.MARR_ALLOW_REMOTE = saved;
    reloadSettings();
  });
  const requested: string[] = [];
  /** A fetch that serves `<base>/<owner>/<name>/resolve/main/<file>` from dir/remote; 404 otherwise. */
  const localFetch: FetchLike = async (url) => {
    requested.push(url);
    const m = /^http:\/\/hub\.test\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(url);
    const path = m ? join(dir, 'remote', m[1], m[2]) : '';
    if (!m || !existsSync(path)) return { ok: false, status: 404, statusText: 'Not Found', arrayBuffer: async () => new ArrayBuffer(0) };
    const b = readFileSync(path);
    return { ok: true, status: 200, arrayBuffer: async () => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
  };

  it('downloads config, tokenizer and sharded safetensors into the cache', async () => {
    await convertLlama2cToHf(stories.path!, tok512.path!, remote);
    // re-shard the weights: layers 0-2 in one file, the rest in another
    const { tensors } = await readSafetensors(join(remote, 'model.safetensors'));
    const shards = [new Map(), new Map()];
    const weightMap: Record<string, string> = {};
    for (const [name, t] of tensors) {
      const s = /layers\.[0-2]\./.test(name) ? 0 : 1;
      shards[s].set(name, t);
      weightMap[name] = `model-0000${s + 1}-of-00002.safetensors`;
    }
    for (let s = 0; s < 2; s++) await writeSafetensors(join(remote, `model-0000${s + 1}-of-00002.safetensors`), shards[s]);
    writeFileSync(join(remote, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));

    const cacheDir = join(dir, 'cache');
    const local = await loadWeights(remote);
    const hub = await loadWeights('karpathy/stories260K', { allowRemote: true, cacheDir, hub: { baseUrl: 'http://hub.test', fetch: localFetch } });
    expect(hub.source.spec).toBe('karpathy/stories260K');
    expect(requested.some((u) => u.endsWith('model.safetensors'))).toBe(false); // the index was used
    expect(requested.filter((u) => /model-0000[12]-of-00002/.test(u))).toHaveLength(2);
    for (const [name, t] of local.weights) expect([...hub.weights.get(name)!.data], name).toEqual([...t.data]);
    expect(hub.tokenizer!.encode('Once upon a time')).toEqual(local.tokenizer!.encode('Once upon a time'));
    expect(hub.source.files.map((f) => f.path.split('/').pop())).toEqual([
      'config.json', 'model.safetensors.index.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'tokenizer.json', 'tokenizer_config.json',
    ]);

    // a complete cached copy is used without the network
    const offline: FetchLike = async () => {
      throw new Error('network is off');
    };
    const again = await loadWeights('karpathy/stories260K', { cacheDir, hub: { baseUrl: 'http://hub.test', fetch: offline } });
    expect(again.config).toEqual(hub.config);
  });

  it('refuses to download unless allowed, saying how to allow it', async () => {
    await expect(loadWeights('karpathy/stories260K', { cacheDir: join(dir, 'empty-cache'), hub: { fetch: localFetch } })).rejects.toThrow(
      /not in the local cache.*allowRemote: true.*MARR_ALLOW_REMOTE=1.*local folder/,
    );
    process.env.MARR_ALLOW_REMOTE = '1';
    reloadSettings();
    const m = await loadWeights('karpathy/stories260K', { cacheDir: join(dir, 'env-cache'), hub: { baseUrl: 'http://hub.test', fetch: localFetch } });
    expect(m.config.nLayers).toBe(5);
  });

  it('rejects revisions that are not plain names', async () => {
    await expect(loadWeights('a/b', { allowRemote: true, cacheDir: join(dir, 'c0'), hub: { revision: '../../etc', fetch: localFetch } })).rejects.toThrow(/must be a branch, tag or commit name/);
  });

  it('reports offline and missing repositories clearly', async () => {
    const offline: FetchLike = async () => {
      throw new Error('getaddrinfo ENOTFOUND');
    };
    await expect(loadWeights('a/b', { allowRemote: true, cacheDir: join(dir, 'c1'), hub: { fetch: offline } })).rejects.toThrow(/could not download .*ENOTFOUND.*pass a local model folder/);
    await expect(loadWeights('nobody/nothing', { allowRemote: true, cacheDir: join(dir, 'c2'), hub: { baseUrl: 'http://hub.test', fetch: localFetch } })).rejects.toThrow(/HTTP 404/);
  });
});
