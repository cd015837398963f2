/**
 * The running float64 sums of the method, one batch of kept positions at a time:
 * - model 1's neurons (the rows): sum x, x^2, x^3, x^4 and how often x > 0;
 * - each other model's neurons and its baseline (the columns): sum y, y^2;
 * - the cross products x y and x b for every row/column pair: matrix products per batch, X1^T Y_m and
 *   X1^T B_m, on core's matmul (ONNX Runtime, float32 products summed within the batch), added into
 *   float64 accumulators;
 * - optionally, per token, previous token and position: counts and sums of x, x^2 (the grouped sums the
 *   variance-reduction explanations need).
 * Every sum adds across shards, so the state is a core PartialState.
 */
import { matmul, partialArray, tensor, type ItemRange, type PartialArray, type PartialState } from '@marr/core';

export interface SumsShape {
  /** Model 1's neurons (the selected layers, concatenated). */
  rows: number;
  /** Each other model's neurons (all layers, concatenated). */
  cols: number;
  /** Other models. */
  others: number;
  /** Vocabulary size (0: no grouped sums). */
  vocab: number;
  /** Window length (0: no grouped sums). */
  positions: number;
}

/** One batch: kept positions' activations, row-major float32, plus the tokens for the grouped sums. */
export interface SumsBatch {
  n: number;
  /** [n, rows] */
  x: Float32Array;
  /** Per other model: [n, cols] activations and [n, cols] baseline. */
  y: Float32Array[];
  b: Float32Array[];
  token: Int32Array;
  previous: Int32Array;
  position: Int32Array;
}

export class StreamingSums {
  readonly shape: SumsShape;
  readonly sums: Record<string, PartialArray>;

  constructor(shape: SumsShape) {
    this.shape = shape;
    const { rows, cols, others, vocab, positions } = shape;
    this.sums = {
      n: partialArray([1]),
      'x.sum': partialArray([rows]),
      'x.sq': partialArray([rows]),
      'x.cube': partialArray([rows]),
      'x.fourth': partialArray([rows]),
      'x.positive': partialArray([rows]),
      'y.sum': partialArray([others, cols]),
      'y.sq': partialArray([others, cols]),
      'b.sum': partialArray([others, cols]),
      'b.sq': partialArray([others, cols]),
      xy: partialArray([others, rows, cols]),
      xb: partialArray([others, rows, cols]),
    };
    if (vocab > 0 && positions > 0) {
      for (const g of ['token', 'previous'] as const) {
        this.sums[`${g}.count`] = partialArray([vocab]);
        this.sums[`${g}.sum`] = partialArray([vocab, rows]);
        this.sums[`${g}.sq`] = partialArray([vocab, rows]);
      }
      this.sums['position.count'] = partialArray([positions]);
      this.sums['position.sum'] = partialArray([positions, rows]);
      this.sums['position.sq'] = partialArray([positions, rows]);
    }
  }

  /** Float64 values the state holds (for the memory check before a run). */
  static values(shape: SumsShape): number {
    const { rows, cols, others, vocab, positions } = shape;
    const grouped = vocab > 0 && positions > 0 ? (2 * vocab + positions) * (2 * rows + 1) : 0;
    return 1 + 5 * rows + 4 * others * cols + 2 * others * rows * cols + grouped;
  }

  get grouped(): boolean {
    return 'token.count' in this.sums;
  }

  async add(batch: SumsBatch): Promise<void> {
    const { rows, cols, others } = this.shape;
    const { n, x } = batch;
    if (n === 0) return;
    this.sums.n.data[0] += n;
    // Moments and firing of model 1's neurons.
    const s1 = this.sums['x.sum'].data, s2 = this.sums['x.sq'].data, s3 = this.sums['x.cube'].data, s4 = this.sums['x.fourth'].data, pos = this.sums['x.positive'].data;
    for (let t = 0; t < n; t++) {
      const base = t * rows;
      for (let i = 0; i < rows; i++) {
        const v = x[base + i];
        const v2 = v * v;
        s1[i] += v;
        s2[i] += v2;
        s3[i] += v2 * v;
        s4[i] += v2 * v2;
        if (v > 0) pos[i] += 1;
      }
    }
    // Column sums of the other models and baselines.
    for (let m = 0; m < others; m++) {
      addColumnSums(batch.y[m], n, cols, this.sums['y.sum'].data, this.sums['y.sq'].data, m * cols);
      addColumnSums(batch.b[m], n, cols, this.sums['b.sum'].data, this.sums['b.sq'].data, m * cols);
    }
    // The cross products, X1^T Y_m and X1^T B_m for every other model m: one GEMM each (core's matmul),
    // added into the float64 sums. X1 is transposed here (n x rows values) rather than by the matmul:
    // ONNX Runtime's transposed-A path is slower.
    const xt = new Float32Array(rows * n);
    for (let t = 0; t < n; t++) for (let i = 0; i < rows; i++) xt[i * n + t] = x[t * rows + i];
    const left = tensor([rows, n], xt);
    const block = rows * cols;
    for (let m = 0; m < others; m++) {
      for (const [source, sums] of [[batch.y[m], this.sums.xy.data], [batch.b[m], this.sums.xb.data]] as const) {
        const g = (await matmul(left, tensor([n, cols], source))).data;
        const dst = sums.subarray(m * block, (m + 1) * block);
        for (let k = 0; k < block; k++) dst[k] += g[k];
      }
    }
    if (this.grouped) {
      this.addGrouped('token', batch.token, x, n);
      this.addGrouped('previous', batch.previous, x, n);
      this.addGrouped('position', batch.position, x, n);
    }
  }

  private addGrouped(group: 'token' | 'previous' | 'position', keys: Int32Array, x: Float32Array, n: number): void {
    const { rows } = this.shape;
    const count = this.sums[`${group}.count`].data, sum = this.sums[`${group}.sum`].data, sq = this.sums[`${group}.sq`].data;
    for (let t = 0; t < n; t++) {
      const k = keys[t];
      if (k < 0 || k >= count.length) continue;
      count[k] += 1;
      const dst = k * rows;
      const src = t * rows;
      for (let i = 0; i < rows; i++) {
        const v = x[src + i];
        sum[dst + i] += v;
        sq[dst + i] += v * v;
      }
    }
  }

  state(items: ItemRange, constants: Record<string, PartialArray>): PartialState {
    return { items, sums: this.sums, constants };
  }
}

function addColumnSums(a: Float32Array, n: number, cols: number, sum: Float64Array, sq: Float64Array, offset: number): void {
  for (let t = 0; t < n; t++) {
    const base = t * cols;
    for (let j = 0; j < cols; j++) {
      const v = a[base + j];
      sum[offset + j] += v;
      sq[offset + j] += v * v;
    }
  }
}
