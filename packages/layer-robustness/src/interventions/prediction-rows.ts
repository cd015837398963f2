/**
 * Which positions of a batch of equal-length token windows are scored, and their true next tokens.
 * The BOS position (0) and the last position of each window (whose next token is not in the window)
 * are skipped.
 */
export interface PredictionRows {
  /** Windows in the batch and tokens per window. */
  batch: number;
  seq: number;
  /** Flat row index b * seq + t of each scored position, in order. */
  rows: Int32Array;
  /** The true next token of each scored position. */
  targets: Int32Array;
}

export function predictionRows(windows: readonly (readonly number[])[]): PredictionRows {
  if (windows.length === 0) throw new RangeError('predictionRows: no windows');
  const seq = windows[0].length;
  if (seq < 3) throw new RangeError(`predictionRows: windows need at least 3 tokens (BOS, one scored position, its target), got ${seq}`);
  for (const w of windows) {
    if (w.length !== seq) throw new RangeError(`predictionRows: all windows must have the same length (${seq}), got one of ${w.length}`);
  }
  const per = seq - 2;
  const rows = new Int32Array(windows.length * per);
  const targets = new Int32Array(windows.length * per);
  let i = 0;
  windows.forEach((w, b) => {
    for (let t = 1; t <= seq - 2; t++) {
      rows[i] = b * seq + t;
      targets[i] = w[t + 1];
      i++;
    }
  });
  return { batch: windows.length, seq, rows, targets };
}
