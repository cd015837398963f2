/**
 * The `marr` command line, built with commander (exitOverride, so that main() decides exit codes).
 * Each command's module is imported only when that command runs, so `marr list` loads neither plugins
 * nor the model runtime.
 */
import { MARR_LEVELS } from '@marr/core/protocol';
import { Command, Option } from 'commander';
import { saeCommand } from './commands/sae.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function createProgram(version: string): Command {
  const program = new Command('marr')
    .description('marr: multilevel interpretability of neural networks')
    .version(version)
    .option('--debug', 'show stack traces for errors')
    .addOption(new Option('--device <device>', 'where models run: cpu (default) or cuda (needs onnxruntime-node with its CUDA libraries); sets MARR_DEVICE').choices(['cpu', 'cuda']))
    .hook('preAction', async (cmd) => {
      const device = cmd.opts().device as string | undefined;
      if (device) {
        // The flag is the MARR_DEVICE setting for this process: every model the command loads runs there.
        process.env.MARR_DEVICE = device;
        (await import('@marr/core/protocol')).reloadSettings();
      }
    })
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (str, write) => write(str) });

  program
    .command('list')
    .description('every analysis of every installed plugin')
    .addOption(new Option('--level <level>', 'only one of Marr\'s levels').choices(MARR_LEVELS))
    .option('--json', 'machine-readable output')
    .action(async (opts) => (await import('./commands/list.js')).listCommand(opts));

  program
    .command('describe')
    .description('an analysis: level, inputs, parameters with defaults and ranges, references')
    .argument('<analysis>', 'analysis id (or plugin:id)')
    .option('--json', 'machine-readable output')
    .action(async (id, opts) => (await import('./commands/describe.js')).describeCommand(id, opts));

  program
    .command('run')
    .description('run an analysis and write <out>/report.json and <out>/report.html')
    .argument('<analysis>', 'analysis id (or plugin:id)')
    .option('--model <path>', 'a model: HF folder, llama2.c file, shipped name or hub id (repeat for several)', collect)
    .option('--tokenizer <path>', 'tokenizer for llama2.c models (tok.bin or tokenizer.json)')
    .option('--data <path>', 'the main dataset file (text: .txt/.jsonl/.csv; table or time series: .csv/.tsv)')
    .option('--input <name=path>', 'a named input file (name.label=path for labelled ones; repeatable; see marr describe)', collect)
    .option('--param <key=value>', 'an analysis parameter (repeatable; see marr describe)', collect)
    .option('--out <dir>', 'output folder')
    .option('--seed <n>', 'random seed (default 0)')
    .option('--json', 'print report.json instead of the summary')
    .option('--shard <i/N>', 'run shard i of N (from 0; auto/N: the index from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID) and write its partial statistics for marr merge')
    .action(async (id, opts) => (await import('./commands/run.js')).runCommand(id, opts));

  program
    .command('study')
    .description('run a multilevel study (behaviour, representation, components, closing ablation) and write one report')
    .argument('[study]', 'a study name (see --list) or a study file (.json)')
    .option('--model <path>', "the model (default: the study's own)")
    .option('--tokenizer <path>', 'tokenizer for llama2.c models')
    .option('--out <dir>', 'output folder')
    .option('--seed <n>', 'random seed (default 0)')
    .option('--list', 'the studies installed packages ship')
    .option('--schema', 'print the JSON schema of study files')
    .option('--json', 'machine-readable output')
    .action(async (id, opts) => (await import('./commands/study.js')).studyCommand(id, opts));

  program
    .command('merge')
    .description('merge the shard folders of a run (marr run --shard i/N) into <out>/report.json and <out>/report.html')
    .argument('<dirs...>', 'the --out folders of every shard')
    .option('--out <dir>', 'output folder')
    .option('--json', 'print report.json instead of the summary')
    .action(async (dirs, opts) => (await import('./commands/merge.js')).mergeCommand(dirs, opts));

  program
    .command('plugins')
    .description('discovered plugins and their analyses')
    .option('--verify', 'import each plugin and check its package.json manifest against its module')
    .option('--json', 'machine-readable output')
    .action(async (opts) => (await import('./commands/plugins.js')).pluginsCommand(opts));

  program
    .command('models')
    .description('models shipped with marr and local models from marr.config.json')
    .option('--json', 'machine-readable output')
    .action(async (opts) => (await import('./commands/models.js')).modelsCommand(opts));

  program
    .command('generate')
    .description('print the prompt and its continuation')
    .requiredOption('--model <path>', 'the model')
    .option('--tokenizer <path>', 'tokenizer for llama2.c models')
    .requiredOption('--prompt <text>', 'the prompt')
    .option('--max-tokens <n>', 'new tokens to generate (default 64)')
    .option('--temperature <t>', 'sampling temperature; 0 (default) is greedy')
    .option('--top-k <k>', 'sample from the k most likely tokens')
    .option('--seed <n>', 'random seed for sampling (default 0)')
    .action(async (opts) => (await import('./commands/generate.js')).generateCommand(opts));

  program
    .command('logits')
    .description('print {"tokens": [...], "logits": [[...], ...]} for a prompt or token ids (or, with --top k, the k most likely tokens per position)')
    .requiredOption('--model <path>', 'the model')
    .option('--tokenizer <path>', 'tokenizer for llama2.c models')
    .option('--prompt <text>', 'text to encode (with BOS)')
    .option('--tokens <ids>', 'comma-separated token ids, e.g. 1,2,3')
    .option('--top <k>', 'print only the k most likely tokens per position: {"tokens": [...], "top": [[{id, logit, token}, ...], ...]}')
    .option('--json', 'JSON output (the only format)')
    .action(async (opts) => (await import('./commands/logits.js')).logitsCommand(opts));

  program
    .command('hooks')
    .description('every hook point of a model with its shape for a sequence length, and whether it is opt-in')
    .requiredOption('--model <path>', 'the model')
    .option('--tokenizer <path>', 'tokenizer for llama2.c models')
    .option('--seq <n>', 'sequence length for the shapes (default 16, at most the context)')
    .option('--json', 'machine-readable output')
    .action(async (opts) => (await import('./commands/hooks.js')).hooksCommand(opts));

  program
    .command('convert')
    .description('convert a llama2.c checkpoint into a Hugging Face model folder')
    .argument('<checkpoint>', 'llama2.c model .bin')
    .option('--tokenizer <path>', 'llama2.c tokenizer .bin')
    .option('--out <dir>', 'output folder')
    .action(async (checkpoint, opts) => (await import('./commands/convert.js')).convertCommand(checkpoint, opts));

  program
    .command('create-plugin')
    .description('write a new plugin package with an example analysis, its test, README and build')
    .argument('<name>', 'npm package name')
    .option('--dir <dir>', 'parent folder (default: the current folder)')
    .option('--local <checkout>', 'take @marr/core from this marr checkout (a file: link), e.g. before it is published')
    .option('--no-local', 'take @marr/core from the registry even when this marr runs from a checkout')
    .action(async (name, opts) => (await import('./commands/create-plugin.js')).createPluginCommand(name, opts));

  program
    .command('quickstart')
    .description('run the main job, a multilevel study (refusal), on the default shipped model and write its report')
    .option('--out <dir>', 'output folder (default: marr-quickstart)')
    .option('--study <name>', 'another shipped study (default: refusal; see marr study --list)')
    .option('--analysis <id>', 'run one analysis taking one model and text instead (e.g. stages) on generated documents')
    .option('--documents <n>', 'generated documents to score (default 400)')
    .action(async (opts) => (await import('./commands/quickstart.js')).quickstartCommand(opts));

  program
    .command('train')
    .description("train one of @marr/zoo's recipes into a Hugging Face model folder")
    .option('--recipe <name>', 'recipe name (see the zoo README)')
    .option('--seed <n>', 'seed for initialisation and data order (default 0)')
    .option('--steps <n>', "number of steps (default: the recipe's)")
    .option('--out <dir>', 'output folder')
    .action(async (opts) => (await import('./commands/train.js')).trainCommand(opts));

  program.addCommand(saeCommand(program));

  program
    .command('schema')
    .description('print the JSON schema of report.json (with an analysis: with its own results schema)')
    .argument('[analysis]', 'analysis id (or plugin:id)')
    .action(async (id) => (await import('./commands/schema.js')).schemaCommand(id));

  return program;
}
