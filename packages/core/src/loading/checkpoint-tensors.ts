/**
 * A name-addressed view of a checkpoint's tensors that records which were used, so a loader can report
 * tensors it did not understand (a sign of a wrong family or an unsupported variant) instead of ignoring them.
 */
import type { Float32Tensor, Tensor } from '../tensor/tensor.js';
import { expectShape } from './layout.js';

export class CheckpointTensors {
  private readonly used = new Set<string>();

  constructor(
    private readonly tensors: ReadonlyMap<string, Tensor>,
    /** Prefix stripped from every name (e.g. `transformer.`), detected by the caller. */
    private readonly prefix: string,
    readonly source: string,
  ) {}

  has(name: string): boolean {
    return this.tensors.has(this.prefix + name) || this.tensors.has(name);
  }

  private key(name: string): string {
    // the full name with the checkpoint's prefix when present (or missing), else the bare name
    return this.tensors.has(name) && !this.tensors.has(this.prefix + name) ? name : this.prefix + name;
  }

  /** The float tensor `name` with the given shape; a clear error when absent or mis-shaped. */
  get(name: string, shape: readonly number[]): Float32Tensor {
    const key = this.key(name);
    const t = this.tensors.get(key);
    if (t && t.dtype !== 'float32') throw new Error(`${this.source}: tensor ${key} is ${t.dtype}, expected a floating-point tensor`);
    this.used.add(key);
    return expectShape(t as Float32Tensor | undefined, shape, key, this.source);
  }

  /** Like get, but returns undefined when the tensor is absent. */
  maybe(name: string, shape: readonly number[]): Float32Tensor | undefined {
    return this.has(name) ? this.get(name, shape) : undefined;
  }

  /** Throws when tensors remain that are neither used nor matched by `ignorable` (buffers like masks). */
  assertAllUsed(ignorable: RegExp): void {
    const left = [...this.tensors.keys()].filter((k) => !this.used.has(k) && !ignorable.test(k));
    if (left.length > 0) {
      const shown = left.slice(0, 8).join(', ') + (left.length > 8 ? `, ... (${left.length} in all)` : '');
      throw new Error(`${this.source}: the checkpoint has tensors marr does not know for this architecture: ${shown}. Is config.json's model_type right for these weights?`);
    }
  }
}

/** The longest of `candidates` that prefixes a tensor name (checkpoints differ in `model.`/`transformer.` prefixes). */
export function detectPrefix(tensors: ReadonlyMap<string, Tensor>, probe: string, candidates: readonly string[]): string {
  for (const p of [...candidates].sort((a, b) => b.length - a.length)) {
    if (tensors.has(p + probe)) return p;
  }
  return '';
}
