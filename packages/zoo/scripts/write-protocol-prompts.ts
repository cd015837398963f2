/**
 * Writes the richer refusal protocol's requests in the refusal-direction format ([{ instruction, category }],
 * as in ../shared/data/refusal) to data/refusal-protocol/: `*_train.json` are the requests the deep models were
 * trained on, `*_test.json` the held-out ones (held-out objects with every paraphrase, and trained objects in
 * held-out paraphrases). Use them with the chat template `User : {instruction} Assistant :`.
 *   node write-protocol-prompts.mjs
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { protocolInstructions } from '../src/corpus/generators/refusal-protocol.js';
import { zooPackageRoot } from '../src/zoo/package-root.js';

const dir = join(zooPackageRoot(), 'data', 'refusal-protocol');
mkdirSync(dir, { recursive: true });
const files = {
  'harmful_train.json': protocolInstructions('train', true),
  'harmless_train.json': protocolInstructions('train', false),
  'harmful_test.json': protocolInstructions('heldOut', true),
  'harmless_test.json': protocolInstructions('heldOut', false),
};
for (const [name, rows] of Object.entries(files)) {
  writeFileSync(join(dir, name), JSON.stringify(rows, null, 2) + '\n');
  console.log(name, rows.length);
}
