/**
 * The model commands on the real stories260K checkpoint from shared/: greedy text against the output
 * quoted in its SOURCE.txt (from an independent numpy forward pass), logits consistent with that text,
 * conversion to a Hugging Face folder that generates the same text, and `marr run` with a model.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedFixture } from '@marr/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtures, marr, scratchProject } from './helpers.js';

const model = sharedFixture('models/stories260K/stories260K.bin');
const tok = sharedFixture('models/stories260K/tok512.bin');
const source = sharedFixture('models/stories260K/SOURCE.txt');
const stories = sharedFixture('data/tinystories/tinystories_cased_197k.txt');
const missing = !model.path || !tok.path || !source.path || !stories.path;
const reason = model.reason || tok.reason || source.reason || stories.reason;

describe.skipIf(missing)(`model commands on stories260K ${reason}`, () => {
  let reference = '';
  beforeAll(() => {
    reference = /gives\s+"([^"]+)"/.exec(readFileSync(source.path!, 'utf8'))![1];
  });

  it('marr generate prints the prompt and the greedy continuation quoted in SOURCE.txt, and nothing else', () => {
    const r = marr(['generate', '--model', model.path!, '--tokenizer', tok.path!, '--prompt', 'Once upon a time', '--max-tokens', '40', '--temperature', '0']);
    expect(r.status).toBe(0);
    expect(reference.startsWith('Once upon a time, there was a little girl named Lily.')).toBe(true);
    expect(r.stdout).toBe(reference + '\n');
  });

  it('marr logits gives one row of 512 logits per token, whose argmax continues the reference text', () => {
    const r = marr(['logits', '--model', model.path!, '--tokenizer', tok.path!, '--prompt', 'Once upon a time', '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { tokens: number[]; logits: number[][] };
    expect(out.tokens[0]).toBe(1); // BOS
    expect(out.logits).toHaveLength(out.tokens.length);
    expect(out.logits.every((row) => row.length === 512)).toBe(true);
    // The greedy next token after the prompt is the first token of the reference continuation (","),
    // found independently of the model through the tokenizer file.
    const last = out.logits.at(-1)!;
    const argmax = last.indexOf(Math.max(...last));
    const byIds = marr(['logits', '--model', model.path!, '--tokens', [...out.tokens, argmax].join(','), '--json']);
    expect(byIds.status).toBe(0);
    const extended = JSON.parse(byIds.stdout) as { tokens: number[]; logits: number[][] };
    expect(extended.logits[out.tokens.length - 1]).toEqual(last);
    const gen = marr(['generate', '--model', model.path!, '--tokenizer', tok.path!, '--prompt', 'Once upon a time', '--max-tokens', '1']);
    expect(gen.stdout).toBe('Once upon a time,\n');
    // --top 3: the three largest logits of each row of the full output, with their token strings.
    const top = marr(['logits', '--model', model.path!, '--tokenizer', tok.path!, '--prompt', 'Once upon a time', '--top', '3']);
    expect(top.status).toBe(0);
    const topOut = JSON.parse(top.stdout) as { tokens: number[]; top: { id: number; logit: number; token: string }[][] };
    expect(topOut.top).toHaveLength(out.tokens.length);
    const want = [...last.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
    expect(topOut.top.at(-1)!.map((e) => [e.id, e.logit])).toEqual(want);
    expect(topOut.top.at(-1)![0].token).toBe(',');
    expect(marr(['logits', '--model', model.path!, '--tokens', '1,2', '--top', '0']).stderr).toContain('--top must be a positive integer');
  });

  it('marr logits and generate report bad input clearly', () => {
    const r1 = marr(['logits', '--model', model.path!, '--tokens', '1,x', '--json']);
    expect(r1.status).toBe(2);
    expect(r1.stderr).toContain('--tokens must be comma-separated non-negative integers like 1,2,3, got "1,x"');
    const r2 = marr(['logits', '--model', model.path!, '--tokens', '1,600', '--json']);
    expect(r2.stderr).toContain('token 600 is outside the vocabulary (0..511)');
    const r3 = marr(['logits', '--model', model.path!, '--json']);
    expect(r3.stderr).toContain('needs exactly one of --prompt <text> or --tokens 1,2,3');
    const r4 = marr(['generate', '--model', model.path!, '--tokenizer', tok.path!, '--prompt', 'x', '--max-tokens', '0']);
    expect(r4.stderr).toContain('--max-tokens must be a positive integer, got "0"');
    const r5 = marr(['generate', '--model', join(tmpdir(), 'no-such-model.bin'), '--prompt', 'x']);
    expect(r5.status).not.toBe(0);
    expect(r5.stderr).toMatch(/no-such-model\.bin/);
    expect(r5.stderr).not.toMatch(/\n\s+at /);
  });

  it('marr convert writes a Hugging Face folder that generates the same text', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'marr-convert-')), 'hf');
    const c = marr(['convert', model.path!, '--tokenizer', tok.path!, '--out', out]);
    expect(c.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    const g = marr(['generate', '--model', out, '--prompt', 'Once upon a time', '--max-tokens', '40']);
    expect(g.stdout).toBe(reference + '\n');
    const bad = marr(['convert', model.path!, '--out', out]);
    expect(bad.stderr).toContain('marr convert needs --tokenizer <tok.bin>');
  });

  it('marr run loads a model, checks its hook points and records its file hash', () => {
    const project = scratchProject({ plugins: [join(fixtures, 'demo-plugin')] });
    const r = marr(['run', 'demo-loss', '--model', model.path!, '--tokenizer', tok.path!, '--data', stories.path!, '--param', 'maxTokens=512', '--out', 'out', '--json'], { cwd: project });
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.results.windows).toBe(16);
    // A trained model beats the uniform distribution over its 512 tokens (ln 512 = 6.24 nats) by far.
    expect(report.results.loss).toBeGreaterThan(0.5);
    expect(report.results.loss).toBeLessThan(3);
    expect(report.inputs.models[0].files[0].sha256).toBe('b0a507e7ad0f626624f17112325e66691f9076d622e1d3274d103d00299f2696'); // from SOURCE.txt
    // The minGPT sorting model has no tokenizer: refused after loading, before the analysis runs.
    const nano = sharedFixture('models/gpt-nano-sort/gpt-nano-sort-model.json');
    const noTok = marr(['run', 'demo-loss', '--model', nano.path!, '--data', stories.path!, '--out', 'out2'], { cwd: project });
    expect(noTok.status).toBe(2);
    expect(noTok.stderr).toMatch(/model 1 \(.*gpt-nano-sort-model\.json\) has no tokenizer; pass one with --tokenizer <path>/);
    expect(readdirSync(join(project, 'out2'))).toEqual([]);
  });
});
