/**
 * A planted context neuron and the bigram that needs it, in a small random Llama-shaped model (ReLU MLP,
 * RMSNorm, two layers) with hand-set weights on a few residual directions:
 *
 * - tokens: 0 BOS, 1..15 English-only, 16..31 German-only, A = 32, B = 33, C = 34, 35..39 shared fillers;
 * - dim 0 is a constant 4 on every token (it keeps the RMS norms nearly constant), dim 1 marks German tokens;
 * - layer 0 attention is uniform (W_Q = W_K = 0): head 0 averages dim 1 into dim 2, the share of German so far;
 * - L0N5 (the context neuron) = relu(6 x dim 2 - 2) fires in German context only and writes 0.3 x itself to dim 3;
 * - L1N7 = relu(4 x [token is A] + 2 x dim 3 - 6) fires on A in German context only and writes dim 5;
 * - the unembedding reads dim 5 as B (the German bigram A -> B), dim 4 (token A) as C (the English A -> C),
 *   and dim 3 as a small boost of every German token (the neuron's direct path).
 *
 * So ablating L0N5 breaks A -> B through L1N7 (the indirect path) and removes the German boost directly.
 */
import { createRng, randomModel, tensor, type HookedTransformer } from '@marr/core';

export const A = 32, B = 33, C = 34;
export const CONTEXT_LAYER = 0, CONTEXT_NEURON = 5, BIGRAM_NEURON = 7;
const ENGLISH = Array.from({ length: 15 }, (_, i) => 1 + i);
const GERMAN = Array.from({ length: 16 }, (_, i) => 16 + i);
const FILLERS = [35, 36, 37, 38, 39];

/**
 * `stage` builds a planted training history: 'none' has neither the context neuron nor the bigram;
 * 'parts' has the context neuron and an A -> B bigram that ignores context (L1N7 fires on every A);
 * 'full' is the contextual bigram above.
 */
export function plantedModel(options: { backend?: 'reference' | 'onnxruntime'; stage?: 'none' | 'parts' | 'full' } = {}): HookedTransformer {
  const stage = options.stage ?? 'full';
  const model = randomModel(
    { architecture: 'llama', nLayers: 2, dModel: 32, nHeads: 2, nKvHeads: 2, dHead: 16, dMlp: 16, dVocab: 40, nCtx: 64, gatedMlp: false, act: 'relu', mlpBias: true, bosTokenId: 0 },
    { seed: 3, std: 0.02, backend: options.backend },
  );
  const edit = (name: string, f: (t: ReturnType<typeof tensor>) => void) => {
    const t = model.getWeight(name);
    const copy = tensor([...t.shape], Float32Array.from(t.data));
    f(copy);
    model.setWeight(name, copy);
  };
  const d = 32, V = 40, M = 16;
  edit('embed.W_E', (t) => {
    for (let v = 0; v < V; v++) {
      for (let j = 0; j < 8; j++) t.data[v * d + j] = 0;
      t.data[v * d + 0] = 4;
      if (GERMAN.includes(v)) t.data[v * d + 1] = 1;
      if (v === A) t.data[v * d + 4] = 1;
    }
  });
  for (const n of ['blocks.0.ln1.w', 'blocks.0.ln2.w', 'blocks.1.ln1.w', 'blocks.1.ln2.w', 'ln_final.w']) edit(n, (t) => t.data.fill(1));
  for (const l of [0, 1]) {
    edit(`blocks.${l}.attn.W_Q`, (t) => t.data.fill(0));
    edit(`blocks.${l}.attn.W_K`, (t) => t.data.fill(0));
  }
  // Layer 0 head 0: value reads dim 1, output writes dim 2; nothing else of layer 0's heads writes dims 0..7.
  edit('blocks.0.attn.W_V', (t) => {
    for (let j = 0; j < 8; j++) for (let h = 0; h < 16; h++) t.data[j * 16 + h] = 0;
    t.data[1 * 16 + 0] = 1;
  });
  edit('blocks.0.attn.W_O', (t) => {
    for (let head = 0; head < 2; head++) for (let h = 0; h < 16; h++) for (let j = 0; j < 8; j++) t.data[(head * 16 + h) * d + j] = head === 0 && h === 0 && j === 2 ? 1 : 0;
  });
  edit('blocks.1.attn.W_O', (t) => {
    for (let head = 0; head < 2; head++) for (let h = 0; h < 16; h++) for (let j = 0; j < 8; j++) t.data[(head * 16 + h) * d + j] = 0;
  });
  // MLPs: no random weight reads or writes dims 0..7; the planted neurons do.
  for (const l of [0, 1]) {
    edit(`blocks.${l}.mlp.W_in`, (t) => {
      for (let j = 0; j < 8; j++) for (let n = 0; n < M; n++) t.data[j * M + n] = 0;
      if (l === 0) t.data[2 * M + CONTEXT_NEURON] = stage === 'none' ? 0 : 6;
      else if (stage !== 'none') {
        t.data[4 * M + BIGRAM_NEURON] = 4;
        t.data[3 * M + BIGRAM_NEURON] = stage === 'full' ? 2 : 0;
      }
    });
    edit(`blocks.${l}.mlp.b_in`, (t) => {
      if (l === 0) t.data[CONTEXT_NEURON] = -2;
      else t.data[BIGRAM_NEURON] = stage === 'full' ? -6 : -2;
    });
    edit(`blocks.${l}.mlp.W_out`, (t) => {
      for (let n = 0; n < M; n++) for (let j = 0; j < 8; j++) t.data[n * d + j] = 0;
      if (l === 0) t.data[CONTEXT_NEURON * d + 3] = 0.3;
      else t.data[BIGRAM_NEURON * d + 5] = 1;
    });
    edit(`blocks.${l}.mlp.b_out`, (t) => {
      for (let j = 0; j < 8; j++) t.data[j] = 0;
    });
  }
  edit('unembed.W_U', (t) => {
    for (let j = 0; j < 8; j++) for (let v = 0; v < V; v++) t.data[j * V + v] = 0;
    t.data[5 * V + B] = 12;
    t.data[4 * V + C] = 3;
    for (const g of GERMAN) {
      t.data[3 * V + g] = 0.6;
      t.data[1 * V + g] = 0.5;
    }
  });
  return model;
}

/** Seeded planted text: German (German tokens, fillers, A always followed by B) or English (A always by C). */
export function plantedWindows(language: 'german' | 'english', count: number, length: number, seed: number): number[][] {
  const rng = createRng(seed);
  const own = language === 'german' ? GERMAN : ENGLISH;
  const after = language === 'german' ? B : C;
  return Array.from({ length: count }, () => {
    const w = [0];
    while (w.length < length) {
      const u = rng.next();
      if (u < 0.1 && w.length < length - 1) w.push(A, after);
      else if (u < 0.3) w.push(FILLERS[rng.int(FILLERS.length)]);
      else w.push(own[rng.int(own.length)]);
    }
    return w.slice(0, length);
  });
}
