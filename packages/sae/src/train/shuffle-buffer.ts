/**
 * A bounded shuffle buffer over a streaming activation source: holds at most `capacity` rows, hands
 * out batches of rows drawn uniformly (seeded) from what it holds, and refills from the source as it
 * drains. Activations from one text window are thus spread across many batches, as in SAELens's
 * mixing buffer, with memory fixed at capacity × d_in floats. At the end of a pass the source restarts,
 * so any number of training rows can be drawn from a finite source.
 */
import type { Float32Tensor, Rng } from '@marr/core';
import type { ActivationSource } from './activation-source.js';

export class ShuffleBuffer {
  private data: Float32Array;
  private filled = 0;
  /** Rows taken from the source so far (all passes). */
  rowsRead = 0;
  /** Completed passes over the source. */
  passes = 0;
  private pending: { t: Float32Tensor; at: number } | null = null;

  constructor(private readonly source: ActivationSource, readonly dIn: number, readonly capacity: number, private readonly rng: Rng, first?: Float32Tensor) {
    this.data = new Float32Array(capacity * dIn);
    if (first) this.pending = { t: first, at: 0 };
  }

  /** Refills the buffer up to capacity. */
  private async refill(): Promise<void> {
    let emptyPasses = 0;
    while (this.filled < this.capacity) {
      if (!this.pending) {
        const t = await this.source.next();
        if (!t) {
          this.passes++;
          if (++emptyPasses > 1 || this.rowsRead === 0) throw new Error('the activation source gave no rows; the data is empty or too short for one window');
          this.source.restart();
          continue;
        }
        emptyPasses = 0;
        if (t.shape[t.shape.length - 1] !== this.dIn) throw new Error(`activation rows have width ${t.shape[t.shape.length - 1]} but training started with ${this.dIn}`);
        this.pending = { t, at: 0 };
      }
      const p = this.pending;
      const rows = p.t.data.length / this.dIn;
      const take = Math.min(rows - p.at, this.capacity - this.filled);
      this.data.set(p.t.data.subarray(p.at * this.dIn, (p.at + take) * this.dIn), this.filled * this.dIn);
      this.filled += take;
      this.rowsRead += take;
      p.at += take;
      if (p.at >= rows) this.pending = null;
    }
  }

  /** A batch of `rows` rows [rows, d_in], drawn without replacement from the buffer. */
  async batch(rows: number): Promise<Float32Tensor> {
    if (rows > this.capacity) throw new RangeError(`batch of ${rows} rows is larger than the buffer (${this.capacity})`);
    await this.refill();
    const d = this.dIn;
    const out = new Float32Array(rows * d);
    for (let r = 0; r < rows; r++) {
      const i = this.rng.int(this.filled);
      out.set(this.data.subarray(i * d, (i + 1) * d), r * d);
      const last = this.filled - 1;
      if (i !== last) this.data.copyWithin(i * d, last * d, (last + 1) * d);
      this.filled--;
    }
    return { dtype: 'float32', shape: [rows, d], data: out };
  }

  /** A copy of up to `rows` rows currently held (for initialisation statistics). */
  async sample(rows: number): Promise<Float32Tensor> {
    await this.refill();
    const n = Math.min(rows, this.filled);
    return { dtype: 'float32', shape: [n, this.dIn], data: this.data.slice(0, n * this.dIn) };
  }
}
