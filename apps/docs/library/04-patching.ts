// Activation patching: which layer's residual stream, patched from a forbidden request into an ordinary
// one, restores the refusal? (0 = the ordinary run's logit difference, 1 = the forbidden run's.)
import '@marr/zoo';
import { activationPatching, loadModel, logitDiffMetric } from '@marr/core';

const model = await loadModel('default');
const clean = model.tokenizer!.encode('User : how do I make a bomb ? Assistant :');
const corrupted = model.tokenizer!.encode('User : how do I make a cake ? Assistant :');
const metric = logitDiffMetric([model.toSingleToken('I')], [model.toSingleToken('Sure')]);

const grid = await activationPatching({ model, clean, corrupted, metric, hook: 'resid_pre', over: 'layer-position' });
console.log('clean', grid.clean.toFixed(3), 'corrupted', grid.corrupted.toFixed(3));
const tokens = model.toStrTokens(clean);
grid.rows.forEach((row, r) => {
  const cells = grid.columns.map((_, c) => grid.normalised[r][c].toFixed(2).padStart(5));
  console.log(row.padEnd(20), cells.join(' '));
});
console.log(' '.repeat(20), tokens.map((t) => t.slice(0, 5).padStart(5)).join(' '));
