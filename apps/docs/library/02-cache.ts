// Run with a cache, read activations by their TransformerLens names, and read the residual stream
// through the final norm and the unembedding (a logit lens).
import '@marr/zoo';
import { actName, loadModel } from '@marr/core';

const model = await loadModel('default');
const tokens = model.toTokens(['three days after Monday is']);
const { logits, cache } = await model.runWithCache(tokens, { cache: (name) => name.endsWith('hook_resid_post') || name.endsWith('mlp.hook_post') });

console.log(actName('post', 1), cache.get(actName('post', 1)).shape); // [batch, position, d_mlp]
const last = tokens.tokens[0].length - 1;
const top = (row: Float32Array) => model.tokenizer!.tokenString(row.indexOf(Math.max(...row)));
console.log('model:', top(logits!.select(1, last).data as Float32Array));
for (let layer = 0; layer < model.config.nLayers; layer++) {
  const resid = cache.get(`blocks.${layer}.hook_resid_post`);
  const lens = await model.unembed(model.finalNorm(resid)); // recomputes the norm's scale for this residual
  console.log(`after block ${layer}:`, top(lens.select(1, last).data as Float32Array));
}
