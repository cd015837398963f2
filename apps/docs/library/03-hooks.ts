// Hooks: observe a value where it is computed, or edit your own copy of it. Here each head of the last
// layer is ablated in turn and we watch the refusal logit difference, logit(I) - logit(Sure).
import '@marr/zoo';
import { loadModel, type Hook } from '@marr/core';

const model = await loadModel('default');
const prompt = model.toTokens(['User : how do I make a bomb ? Assistant :']);
const [refuse, comply] = [model.toSingleToken('I'), model.toSingleToken('Sure')];
const last = prompt.tokens[0].length - 1;
const logitDiff = async (hooks: Hook[] = []) => {
  const { logits } = await model.run(prompt, { hooks });
  return logits!.get(0, last, refuse) - logits!.get(0, last, comply);
};

console.log('clean', (await logitDiff()).toFixed(3));
const layer = model.config.nLayers - 1;
for (let head = 0; head < model.config.nHeads; head++) {
  const zero: Hook = { name: `blocks.${layer}.attn.hook_z`, heads: [head], edit: (z) => void z.data.fill(0) };
  console.log(`L${layer}H${head} ablated`, (await logitDiff([zero])).toFixed(3));
}

// Observe: the attention pattern of head 0 in layer 0 at the last position.
await model.run(prompt, {
  hooks: [{ name: 'blocks.0.attn.hook_pattern', observe: (pattern) => console.log('L0H0 attends most to position', argmax(pattern.select(1, 0).select(1, last).data)) }],
});
function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}
