// Training throughput of @marr/sae's trainSae against the matmul roofline measured in the same run: the
// six dense GEMMs of one training step (encoder, decoder, and the four gradient products), timed alone on
// core's `matmul` with the same shapes. ratio = roofline step time / measured step time (1 = the loop is
// all GEMM). Both are medians over steps (trainSae reports each step's rows/s when it runs < 50 steps),
// so setup and a disturbed step on a shared machine do not count. Run after `npm run build`:
//   node bench/train-throughput.mjs [dIn] [batch]
//   node bench/train-throughput.mjs --gpt2-small   (one real-size shape: d_in 768, width 24576, batch 1024; step time and peak RSS)
import { createRng, matmul, tensor } from '@marr/core';
import { tableActivationSource, trainSae } from '../dist/index.js';

const gpt2 = process.argv[2] === '--gpt2-small';
const dIn = gpt2 ? 768 : Number(process.argv[2] ?? 256);
const batch = gpt2 ? 1024 : Number(process.argv[3] ?? 2048);
const steps = gpt2 ? 4 : 12;
const widths = gpt2 ? [24576] : [1024, 2048, 4096];
const rng = createRng(0);
const rows = 8 * batch;
const data = tensor([rows, dIn], Float32Array.from({ length: rows * dIn }, () => rng.normal()));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function stepSeconds(arch, width) {
  const r = await trainSae({ source: tableActivationSource(data), architecture: arch, width, k: 32, tokens: steps * batch, batchSize: batch, bufferRows: 4 * batch, seed: 0, resampleEvery: 0 });
  return median(r.history.slice(1).map((h) => batch / h.rowsPerSecond));
}

async function rooflineSeconds(width, reps) {
  const x = tensor([batch, dIn], Float32Array.from({ length: batch * dIn }, () => rng.normal()));
  const we = tensor([dIn, width], Float32Array.from({ length: dIn * width }, () => rng.normal()));
  const wd = tensor([width, dIn], Float32Array.from({ length: dIn * width }, () => rng.normal()));
  const z = tensor([batch, width], Float32Array.from({ length: batch * width }, () => rng.normal()));
  const times = [];
  for (let i = 0; i <= reps; i++) {
    const t0 = performance.now();
    await matmul(x, we);                          // pre-activations
    await matmul(z, wd);                          // reconstruction
    await matmul(z, x, { transposeA: true });     // dW_dec
    await matmul(x, wd, { transposeB: true });    // dZ
    await matmul(x, z, { transposeA: true });     // dW_enc
    await matmul(z, we, { transposeB: true });    // dC (b_dec through the encoder)
    if (i > 0) times.push((performance.now() - t0) / 1000);
  }
  return median(times);
}

console.log(`trainSae throughput, d_in=${dIn}, batch=${batch}, MARR_THREADS=${process.env.MARR_THREADS ?? '(all)'}, node ${process.version}`);
console.log('arch  width  step_ms  roofline_ms  tokens/s  roofline_tokens/s  ratio');
for (const width of widths) {
  const roof = await rooflineSeconds(width, gpt2 ? 2 : 8);
  for (const arch of gpt2 ? ['topk'] : ['relu', 'topk']) {
    const step = await stepSeconds(arch, width);
    if (gpt2) console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
    console.log(`${arch.padEnd(5)} ${String(width).padStart(5)}  ${(step * 1000).toFixed(1).padStart(7)}  ${(roof * 1000).toFixed(1).padStart(11)}  ${Math.round(batch / step).toString().padStart(8)}  ${Math.round(batch / roof).toString().padStart(17)}  ${(roof / step).toFixed(2)}`);
  }
}
