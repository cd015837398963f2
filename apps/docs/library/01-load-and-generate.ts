// Load a model, tokenize, generate. '@marr/zoo' registers the shipped models' short names ('default').
import '@marr/zoo';
import { loadModel } from '@marr/core';

const model = await loadModel('default');
console.log(model.config.architecture, `${model.config.nLayers} layers, d_model ${model.config.dModel}`);

const prompt = 'three days after Monday is';
console.log(model.toStrTokens(prompt));
const { text } = await model.generate(prompt, { maxNewTokens: 1 }); // greedy
console.log(text);
