/**
 * The ONNX Runtime backend: each kernel is a small ONNX graph compiled once into an InferenceSession
 * (weights as initializers, so MLAS can pre-pack them) and reused for every call with the same weights.
 */
import { existsSync, readdirSync } from 'node:fs';
import { settings } from '../settings.js';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type * as OrtTypes from 'onnxruntime-node';
import type { Backend, MlpInResult } from './backend.js';
import { OnnxGraph } from './onnx-model.js';
import { appendActivation } from './onnx-activation.js';
import { isSmallProduct, linearSmall, mlpInSmall, transposed } from './small-kernels.js';
import { wasmKernels } from './wasm/wasm-kernels.js';
import { tensor, type Float32Tensor } from '../tensor/tensor.js';

type Ort = typeof OrtTypes;
type Session = OrtTypes.InferenceSession;

let ortModule: Ort | null | undefined;

/** Loads onnxruntime-node once; null when the native module is unavailable on this platform. */
export function loadOnnxRuntime(): Ort | null {
  if (ortModule !== undefined) return ortModule;
  try {
    const require = createRequire(import.meta.url);
    ortModule = require('onnxruntime-node') as Ort;
  } catch {
    ortModule = null;
  }
  return ortModule;
}

/** Where ONNX Runtime runs the kernels: the CPU (default) or a CUDA GPU. */
export type Device = 'cpu' | 'cuda';

export const DEVICES: readonly Device[] = ['cpu', 'cuda'];

export interface OrtBackendOptions {
  /** Intra-op threads per kernel; default $MARR_THREADS or the machine's available parallelism. */
  threads?: number;
  /** Execution provider; default the MARR_DEVICE setting, else cpu. */
  device?: Device;
}

/** Checks that the installed onnxruntime-node can run on `device`, with the fix named when it cannot. */
export function checkDevice(ort: Ort, device: string): Device {
  if (!(DEVICES as readonly string[]).includes(device)) throw new Error(`unknown device "${device}"; use one of: ${DEVICES.join(', ')}`);
  if (device === 'cpu') return 'cpu';
  const list = (ort as unknown as { listSupportedBackends?: () => { name: string; bundled: boolean }[] }).listSupportedBackends?.() ?? [];
  const cuda = list.find((b) => b.name === 'cuda');
  const require = createRequire(import.meta.url);
  let providers = false;
  try {
    const bin = join(dirname(require.resolve('onnxruntime-node/package.json')), 'bin');
    providers = readdirSync(bin).some((napi) => existsSync(join(bin, napi, process.platform, process.arch, 'libonnxruntime_providers_cuda.so')));
  } catch {
    providers = false;
  }
  if (!cuda || (!cuda.bundled && !providers)) {
    throw new Error(
      'device "cuda": the installed onnxruntime-node has no CUDA execution provider libraries (marr\'s .npmrc skips their download). ' +
        'On a machine with CUDA 12 and network access, run `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node --ignore-scripts=false`, or use --device cpu',
    );
  }
  return 'cuda';
}

export function createOrtBackend(options: OrtBackendOptions = {}): Backend {
  const ort = loadOnnxRuntime();
  if (!ort) {
    throw new Error(
      'createOrtBackend: onnxruntime-node could not be loaded on this platform; use the reference backend (backend: "reference")',
    );
  }
  const threads = options.threads ?? (settings().threads ?? availableParallelism());
  const device = checkDevice(ort, options.device ?? settings().device ?? 'cpu');
  const sessionOptions: OrtTypes.InferenceSession.SessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    executionProviders: device === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
    // Worker threads that spin while waiting for work burn the cores other threads need; on a busy
    // machine a spinning pool made small kernels ~20x slower (measured: 32 runs of a 128-token window).
    extra: { session: { intra_op: { allow_spinning: settings().ortSpin ? '1' : '0' } } },
  };
  /** Kernels compiled against a weight array, keyed by that array and a kernel signature. */
  const weightKernels = new WeakMap<Float32Array, Map<string, Promise<Session>>>();
  const allSessions = new Set<Promise<Session>>();
  const plainKernels = new Map<string, Promise<Session>>();

  function compile(g: OnnxGraph): Promise<Session> {
    const p = ort!.InferenceSession.create(g.toBytes(), sessionOptions);
    allSessions.add(p);
    return p;
  }

  function weightKernel(key: Float32Array, signature: string, build: () => OnnxGraph): Promise<Session> {
    let m = weightKernels.get(key);
    if (!m) weightKernels.set(key, (m = new Map()));
    let s = m.get(signature);
    if (!s) m.set(signature, (s = compile(build())));
    return s;
  }

  function plainKernel(signature: string, build: () => OnnxGraph): Promise<Session> {
    let s = plainKernels.get(signature);
    if (!s) plainKernels.set(signature, (s = compile(build())));
    return s;
  }

  /** Whole graphs, keyed by signature and the ids of every weight array they embed; and per array, the keys that embed it. */
  const graphKernels = new Map<string, Promise<Session>>();
  const graphsByWeight = new WeakMap<Float32Array, Set<string>>();

  function graphKernel(weights: readonly Float32Array[], signature: string, build: () => OnnxGraph): Promise<Session> {
    const key = `${signature}|${weights.map((w) => idOf(w)).join(',')}`;
    let s = graphKernels.get(key);
    if (!s) {
      graphKernels.set(key, (s = compile(build())));
      for (const w of weights) {
        let keys = graphsByWeight.get(w);
        if (!keys) graphsByWeight.set(w, (keys = new Set()));
        keys.add(key);
      }
    }
    return s;
  }

  /** Transposed weights for the small-product kernels (decoding steps run those in JavaScript). */
  const transposes = new WeakMap<Float32Array, Float32Array>();
  const transposeOf = (w: Float32Tensor): Float32Array => {
    let t = transposes.get(w.data);
    if (!t) transposes.set(w.data, (t = transposed(w)));
    return t;
  };

  /** Stable ids for weight arrays, so a kernel's signature names every weight it compiled in. */
  const arrayIds = new WeakMap<Float32Array, number>();
  let nextId = 0;
  const idOf = (a: Float32Array | undefined): string => {
    if (!a) return '-';
    let id = arrayIds.get(a);
    if (id === undefined) arrayIds.set(a, (id = nextId++));
    return String(id);
  };

  const feed = (t: Float32Tensor): OrtTypes.Tensor => new ort.Tensor('float32', t.data, t.shape as number[]);
  const result = (v: OrtTypes.Tensor): Float32Tensor => tensor(v.dims as number[], v.data as Float32Array);

  async function run(session: Session, feeds: Readonly<Record<string, Float32Tensor>>, fetches: string[]): Promise<Record<string, Float32Tensor>> {
    const f: Record<string, OrtTypes.Tensor> = {};
    for (const [k, v] of Object.entries(feeds)) f[k] = feed(v);
    const out = await session.run(f, fetches);
    const r: Record<string, Float32Tensor> = {};
    for (const name of fetches) r[name] = result(out[name] as OrtTypes.Tensor);
    return r;
  }

  return {
    name: 'onnxruntime',

    async linear(x, w, bias) {
      const [K, N] = w.shape;
      const rows = x.data.length / K;
      if (isSmallProduct(rows, K, N)) return linearSmall(x, w, bias, transposeOf);
      const session = await weightKernel(w.data, `linear:${idOf(bias?.data)}`, () => {
        const g = new OnnxGraph();
        g.input('x', ['rows', K]);
        let y = g.node('MatMul', ['x', g.initializer('w', w)]);
        if (bias) y = g.node('Add', [y, g.initializer('b', bias)]);
        g.node('Identity', [y], {}, 'y');
        g.output('y');
        return g;
      });
      const { y } = await run(session, { x: tensor([rows, K], x.data) }, ['y']);
      return tensor([...x.shape.slice(0, -1), N], y.data);
    },

    async mlpIn(x, wIn, bIn, wGate, act, want): Promise<MlpInResult> {
      const [K, N] = wIn.shape;
      const rows = x.data.length / K;
      if (isSmallProduct(rows, K, N)) return mlpInSmall(x, wIn, bIn, wGate, act, transposeOf);
      const session = await weightKernel(wIn.data, `mlp:${act}:${idOf(bIn?.data)}:${idOf(wGate?.data)}`, () => {
        const g = new OnnxGraph();
        g.input('x', ['rows', K]);
        let lin = g.node('MatMul', ['x', g.initializer('w_in', wIn)]);
        if (bIn) lin = g.node('Add', [lin, g.initializer('b_in', bIn)]);
        if (wGate) {
          const pre = g.node('MatMul', ['x', g.initializer('w_gate', wGate)], {}, 'pre');
          g.node('Identity', [lin], {}, 'pre_linear');
          g.node('Mul', [appendActivation(g, pre, act), lin], {}, 'post');
          g.output('pre_linear');
        } else {
          g.node('Identity', [lin], {}, 'pre');
          g.node('Identity', [appendActivation(g, lin, act)], {}, 'post');
        }
        g.output('pre');
        g.output('post');
        return g;
      });
      const fetches = ['post'];
      if (want.pre) fetches.push('pre');
      if (want.preLinear && wGate) fetches.push('pre_linear');
      const r = await run(session, { x: tensor([rows, K], x.data) }, fetches);
      const shape = [...x.shape.slice(0, -1), N];
      return {
        post: tensor(shape, r.post.data),
        pre: r.pre ? tensor(shape, r.pre.data) : undefined,
        preLinear: r.pre_linear ? tensor(shape, r.pre_linear.data) : undefined,
      };
    },

    async attentionPattern(q, k, mask, scale, wantScores) {
      const session = await plainKernel('attn-pattern', () => {
        const g = new OnnxGraph();
        g.input('q', ['b', 'h', 't', 'd']);
        g.input('k', ['b', 'h', 's', 'd']);
        g.input('mask', ['b', 1, 't', 's']);
        const kt = g.node('Transpose', ['k'], { perm: [0, 1, 3, 2] });
        const s = g.node('Mul', [g.node('MatMul', ['q', kt]), 'scale']);
        g.node('Add', [s, 'mask'], {}, 'scores');
        g.node('Softmax', ['scores'], { axis: -1 }, 'pattern');
        g.input('scale', []);
        g.output('scores');
        g.output('pattern');
        return g;
      });
      const r = await run(session, { q, k, mask, scale: tensor([], Float32Array.of(scale)) }, wantScores ? ['pattern', 'scores'] : ['pattern']);
      return wantScores ? { pattern: r.pattern, scores: r.scores } : { pattern: r.pattern };
    },

    async matmul(a, b, opts = {}) {
      const ra = a.shape.length, rb = b.shape.length;
      const sig = `matmul:${ra}:${rb}:${opts.transposeA ? 'T' : 'N'}:${opts.transposeB ? 'T' : 'N'}`;
      const session = await plainKernel(sig, () => {
        const g = new OnnxGraph();
        g.input('a', a.shape.map((_, i) => `a${i}`));
        g.input('b', b.shape.map((_, i) => `b${i}`));
        const swap = (r: number) => [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];
        const ai = opts.transposeA ? g.node('Transpose', ['a'], { perm: swap(ra) }) : 'a';
        const bi = opts.transposeB ? g.node('Transpose', ['b'], { perm: swap(rb) }) : 'b';
        g.node('MatMul', [ai, bi], {}, 'y');
        g.output('y');
        return g;
      });
      const { y } = await run(session, { a, b }, ['y']);
      return y;
    },

    async runGraph(weights, signature, build, feeds, fetches) {
      return run(await graphKernel(weights, signature, build), feeds, [...fetches]);
    },

    release(weight) {
      transposes.delete(weight);
      wasmKernels()?.forget(weight);
      for (const key of graphsByWeight.get(weight) ?? []) {
        const s = graphKernels.get(key);
        graphKernels.delete(key);
        if (s) {
          allSessions.delete(s);
          void s.then((x) => x.release()).catch(() => {});
        }
      }
      graphsByWeight.delete(weight);
      const m = weightKernels.get(weight);
      if (!m) return;
      weightKernels.delete(weight);
      for (const s of m.values()) {
        allSessions.delete(s);
        void s.then((x) => x.release()).catch(() => {});
      }
    },

    async dispose() {
      const all = [...allSessions];
      allSessions.clear();
      plainKernels.clear();
      graphKernels.clear();
      await Promise.all(all.map(async (s) => (await s).release()));
    },
  };
}
