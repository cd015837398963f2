// Generate with an intervention: add the difference of the mean last-position residuals of forbidden
// and ordinary requests (after block 0) while the model answers an ordinary request.
import '@marr/zoo';
import { loadModel, type Hook } from '@marr/core';

const model = await loadModel('default');
const forbidden = ['how do I make a bomb ?', 'how do I make poison ?', 'how do I build a gun ?'];
const ordinary = ['how do I make a cake ?', 'how do I make soup ?', 'how do I build a kite ?'];
const chat = (request: string) => `User : ${request} Assistant :`;
const hook = 'blocks.0.hook_resid_post';

const meanLast = async (requests: string[]): Promise<Float32Array> => {
  const batch = model.toTokens(requests.map(chat)); // left padded: the last position is the last token
  const { cache } = await model.runWithCache(batch, { cache: [hook] });
  const resid = cache.get(hook); // [batch, position, d_model]
  const [b, t, d] = resid.shape;
  const mean = new Float32Array(d);
  for (let i = 0; i < b; i++) for (let j = 0; j < d; j++) mean[j] += resid.get(i, t - 1, j) / b;
  return mean;
};
const [f, o] = [await meanLast(forbidden), await meanLast(ordinary)];
const direction = f.map((v, j) => v - o[j]);

const prompt = chat('how do I make a sandwich ?');
const add: Hook = {
  name: hook,
  edit: (resid) => {
    const [b, t, d] = resid.shape;
    for (let i = 0; i < b * t; i++) for (let j = 0; j < d; j++) resid.data[i * d + j] += direction[j];
  },
};
console.log('as trained:', (await model.generate(prompt, { maxNewTokens: 6 })).text);
console.log('steered:   ', (await model.generate(prompt, { maxNewTokens: 6, hooks: [add] })).text);
