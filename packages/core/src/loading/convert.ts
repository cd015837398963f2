/**
 * llama2.c checkpoint + tokenizer → an HF Llama folder (config.json, model.safetensors, tokenizer.json,
 * tokenizer_config.json, generation_config.json). q/k weights are permuted from llama2.c's interleaved rotary
 * pairs to HF's half convention (what `permute` in HF's convert_llama_weights_to_hf.py does), so the folder
 * loads in HF transformers as the same model.
 */
import { writeFileSet } from './atomic-write.js';
import { modelConfigToHfLlama } from './hf-config.js';
import { marrToHfLlama } from './hf-weights-llama.js';
import { readLlama2c } from './llama2c.js';
import { encodeSafetensors } from './safetensors.js';
import { readLlama2cVocab } from '../tokenizer/llama2c-tokenizer-file.js';
import { llama2cToTokenizerJson, llama2cTokenizerConfig } from '../tokenizer/llama2c-to-tokenizer-json.js';

export async function convertLlama2cToHf(checkpointPath: string, tokenizerBinPath: string, outDir: string): Promise<{ files: string[] }> {
  const model = await readLlama2c(checkpointPath);
  const vocab = await readLlama2cVocab(tokenizerBinPath, model.config.dVocab);
  const hfConfig = { ...modelConfigToHfLlama({ ...model.config, rotaryStyle: 'half' }), _name_or_path: model.config.name };
  const json = (value: unknown): string => JSON.stringify(value, null, 2) + '\n';
  // All or nothing: the folder gets every file or none (a full disk or a kill leaves the old folder).
  const files = await writeFileSet(outDir, [
    { name: 'config.json', data: json(hfConfig) },
    { name: 'model.safetensors', data: encodeSafetensors(marrToHfLlama(model.config, model.weights), { metadata: { format: 'pt' } }) },
    { name: 'tokenizer.json', data: json(llama2cToTokenizerJson(vocab)) },
    { name: 'tokenizer_config.json', data: json(llama2cTokenizerConfig(model.config.nCtx)) },
    { name: 'generation_config.json', data: json({ bos_token_id: 1, eos_token_id: 2 }) },
  ]);
  return { files };
}
