/**
 * The `marr run` command that reproduces a report: the analysis, its models (and a llama2.c model's
 * separate tokenizer), its data and named inputs, seed and parameters, quoted for a POSIX shell.
 */
import type { JsonValue, ReportEnvelope } from './types.js';

/** `s` as one POSIX shell word (single-quoted when it holds anything the shell would split or expand). */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function paramText(v: JsonValue): string {
  return typeof v === 'string' ? v : Array.isArray(v) && v.every((x) => typeof x !== 'object') ? v.join(',') : JSON.stringify(v);
}

export function rerunCommand(env: ReportEnvelope): string {
  // A study's report (analysis id `study:<name>`) is re-run by `marr study` with the study as it was named.
  if (env.analysis.id.startsWith('study:')) {
    const study = typeof env.params.study === 'string' ? env.params.study : env.analysis.id.slice('study:'.length);
    const args = ['marr', 'study', study, ...env.inputs.models.flatMap((m) => ['--model', m.spec]), '--seed', String(env.seed)];
    return args.map(shellQuote).join(' ');
  }
  const args = ['marr', 'run', env.analysis.id];
  for (const m of env.inputs.models) {
    args.push('--model', m.spec);
    // A llama2.c checkpoint reads its tokenizer from a second file (--tokenizer); folders hold their own.
    if (m.format === 'llama2c' && m.files.length > 1) args.push('--tokenizer', m.files[1].path);
  }
  if (env.inputs.data) args.push('--data', env.inputs.data.path);
  for (const f of env.inputs.files ?? []) {
    if (f.role === 'data' || f.role === 'model' || /^model\.\d+$/.test(f.role)) continue;
    args.push('--input', `${f.role}=${f.path}`);
  }
  args.push('--seed', String(env.seed));
  for (const [k, v] of Object.entries(env.params)) if (v !== null && v !== undefined) args.push('--param', `${k}=${paramText(v)}`);
  return args.map(shellQuote).join(' ');
}
