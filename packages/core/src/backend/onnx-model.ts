/**
 * Builds ONNX models (protobuf bytes) for the kernels the ONNX Runtime backend compiles.
 *
 * Hand-written on purpose: we only ever *emit* about a dozen message types with a few fields each, and
 * the JS ONNX protobuf packages on npm are unmaintained (onnx-proto pins ONNX 1.10 and protobufjs 6).
 * Field numbers follow onnx/onnx.proto (ModelProto, GraphProto, NodeProto, TensorProto, ...).
 */
import type { Float32Tensor } from '../tensor/tensor.js';

const ONNX_FLOAT = 1;
const ONNX_INT64 = 7;
const IR_VERSION = 8;
const OPSET = 17;

class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private scratch: number[] = [];

  private flushScratch(): void {
    if (this.scratch.length) {
      this.chunks.push(Uint8Array.from(this.scratch));
      this.scratch = [];
    }
  }

  private varint(v: number | bigint): void {
    if (typeof v === 'number' && v >= 0 && v <= Number.MAX_SAFE_INTEGER) {
      while (v > 127) {
        this.scratch.push((v % 128) | 128);
        v = Math.floor(v / 128);
      }
      this.scratch.push(v);
      return;
    }
    // Negative int64 values are encoded as 10-byte two's complement varints.
    let b = BigInt.asUintN(64, BigInt(v));
    while (b > 127n) {
      this.scratch.push(Number(b & 127n) | 128);
      b >>= 7n;
    }
    this.scratch.push(Number(b));
  }

  private key(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  int(field: number, v: number | bigint): this {
    this.key(field, 0);
    this.varint(v);
    return this;
  }

  float(field: number, v: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.scratch.push(...b);
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.key(field, 2);
    this.varint(data.length);
    this.flushScratch();
    this.chunks.push(data);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, w: ProtoWriter): this {
    return this.bytes(field, w.finish());
  }

  finish(): Uint8Array {
    this.flushScratch();
    let n = 0;
    for (const c of this.chunks) n += c.length;
    const out = new Uint8Array(n);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    this.chunks = [out];
    return out;
  }
}

export type AttrValue = number | number[] | string | { float: number } | { ints: number[] };

interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
}

/** A small ONNX graph under construction. Dimensions given as strings are symbolic (dynamic). */
export class OnnxGraph {
  private nodes: NodeSpec[] = [];
  private inputs: { name: string; type: number; dims: (number | string)[] }[] = [];
  private outputs: { name: string; type: number }[] = [];
  private initializers: ProtoWriter[] = [];
  private counter = 0;

  input(name: string, dims: (number | string)[], type: 'float32' | 'int64' = 'float32'): string {
    this.inputs.push({ name, type: type === 'float32' ? ONNX_FLOAT : ONNX_INT64, dims });
    return name;
  }

  output(name: string): void {
    this.outputs.push({ name, type: ONNX_FLOAT });
  }

  /** A float32 constant stored in the model (a weight, compiled into the kernel). */
  initializer(name: string, t: Float32Tensor | { shape: readonly number[]; data: Float32Array }): string {
    const w = new ProtoWriter();
    for (const d of t.shape) w.int(1, d);
    w.int(2, ONNX_FLOAT);
    w.string(8, name);
    const data = t.data;
    w.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    this.initializers.push(w);
    return name;
  }

  scalar(value: number): string {
    return this.initializer(`const_${this.counter++}`, { shape: [], data: Float32Array.of(value) });
  }

  int64s(values: number[]): string {
    const name = `ints_${this.counter++}`;
    const w = new ProtoWriter();
    w.int(1, values.length);
    w.int(2, ONNX_INT64);
    w.string(8, name);
    const buf = new BigInt64Array(values.map((v) => BigInt(v)));
    w.bytes(9, new Uint8Array(buf.buffer));
    this.initializers.push(w);
    return name;
  }

  /** Adds a node and returns its (first) output name. */
  node(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputName?: string): string {
    const out = outputName ?? `${op.toLowerCase()}_${this.counter++}`;
    this.nodes.push({ op, inputs, outputs: [out], attrs });
    return out;
  }

  toBytes(): Uint8Array {
    const graph = new ProtoWriter();
    for (const n of this.nodes) {
      const nw = new ProtoWriter();
      for (const i of n.inputs) nw.string(1, i);
      for (const o of n.outputs) nw.string(2, o);
      nw.string(4, n.op);
      for (const [name, v] of Object.entries(n.attrs)) nw.message(5, attribute(name, v));
      graph.message(1, nw);
    }
    graph.string(2, 'marr');
    for (const init of this.initializers) graph.message(5, init);
    for (const i of this.inputs) graph.message(11, valueInfo(i.name, i.type, i.dims));
    for (const o of this.outputs) graph.message(12, valueInfo(o.name, o.type, null));
    const model = new ProtoWriter();
    model.int(1, IR_VERSION);
    model.string(2, 'marr');
    model.message(7, graph);
    model.message(8, new ProtoWriter().string(1, '').int(2, OPSET));
    return model.finish();
  }
}

function attribute(name: string, v: AttrValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  if (typeof v === 'number') return w.int(3, v).int(20, 2);
  if (typeof v === 'string') return w.string(4, v).int(20, 3);
  if (Array.isArray(v)) {
    for (const x of v) w.int(8, x);
    return w.int(20, 7);
  }
  if ('float' in v) return w.float(2, v.float).int(20, 1);
  for (const x of v.ints) w.int(8, x);
  return w.int(20, 7);
}

function valueInfo(name: string, elemType: number, dims: (number | string)[] | null): ProtoWriter {
  const tensorType = new ProtoWriter().int(1, elemType);
  if (dims) {
    const shape = new ProtoWriter();
    for (const d of dims) {
      const dim = new ProtoWriter();
      if (typeof d === 'number') dim.int(1, d);
      else dim.string(2, d);
      shape.message(1, dim);
    }
    tensorType.message(2, shape);
  }
  const type = new ProtoWriter().message(1, tensorType);
  return new ProtoWriter().string(1, name).message(2, type);
}
