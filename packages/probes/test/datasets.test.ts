import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readActivationTable } from '../src/datasets/activation-table.js';
import { parseLabelledJsonl } from '../src/datasets/labelled-jsonl.js';
import { binarize, positiveClass } from '../src/datasets/labels.js';
import { languageIdWindows, paragraphs, readClassFiles } from '../src/datasets/language-id.js';
import { positionExamples } from '../src/datasets/position.js';
import { stratifiedSplit } from '../src/data/split.js';
import { byteTokenizer } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'marr-probes-data-'));

describe('dataset builders', () => {
  it('language ID: equal windows per class, each starting with BOS, labelled by file', async () => {
    writeFileSync(join(dir, 'en.txt'), 'The cat sat on the mat and looked at the dog for a long while.\n\n'.repeat(20));
    writeFileSync(join(dir, 'de.txt'), 'Die Katze sass auf der Matte und sah den Hund sehr lange an.\n\nKurz.\n\n'.repeat(30));
    const classes = await readClassFiles([`en=${join(dir, 'en.txt')}`, `de=${join(dir, 'de.txt')}`]);
    expect(classes.map((c) => c.label)).toEqual(['en', 'de']);
    expect(classes[1].documents.every((d) => d.length >= 40)).toBe(true); // "Kurz." is dropped
    const { windows, labels } = languageIdWindows(classes, byteTokenizer, { contextLength: 16, perClass: 10 });
    expect(windows).toHaveLength(20);
    expect(labels.filter((l) => l === 'de')).toHaveLength(10);
    expect(windows.every((w) => w.length === 16 && w[0] === byteTokenizer.bosTokenId)).toBe(true);
    await expect(readClassFiles([`en=${join(dir, 'en.txt')}`])).rejects.toThrow(/at least 2 labels/);
    await expect(readClassFiles([`en=${join(dir, 'nope.txt')}`, 'de=x'])).rejects.toThrow(/cannot be read/);
    await expect(readClassFiles(['just-a-path.txt'])).rejects.toThrow(/label=path/);
    expect(paragraphs('a\n\n' + 'x'.repeat(50))).toEqual(['x'.repeat(50)]);
  });

  it('position labels: positions 1..L-1, positive from the boundary on', () => {
    const ex = positionExamples(2, 8, 4);
    expect(ex.positions).toHaveLength(14);
    expect(Array.from(ex.labels.slice(0, 7))).toEqual([0, 0, 0, 1, 1, 1, 1]);
    expect(() => positionExamples(2, 8, 8)).toThrow(/boundary must be an integer in \[2, 7\]/);
  });

  it('labelled JSONL: context or token labels, with line numbers in errors', () => {
    expect(parseLabelledJsonl('{"text":"a","label":"x"}\n\n{"text":"b","label":1}')).toHaveLength(2);
    expect(parseLabelledJsonl('{"text":"ab","tokenLabels":[0,null]}')[0].tokenLabels).toEqual([0, null]);
    expect(() => parseLabelledJsonl('{"text":"a","label":"x"}\nnot json', 'f.jsonl')).toThrow(/f.jsonl:2 is not valid JSON/);
    expect(() => parseLabelledJsonl('{"text":"a"}', 'f.jsonl')).toThrow(/f.jsonl:1: needs a "label"/);
    expect(() => parseLabelledJsonl('{"text":"a","label":1}\n{"text":"b","tokenLabels":[1]}')).toThrow(/mixes/);
  });

  it('positive class: explicit, boolean-like, or a clear request to choose', () => {
    expect(positiveClass(['true', 'false', 'true'])).toBe('true');
    expect(positiveClass([0, 1, 1])).toBe('1');
    expect(positiveClass(['de', 'en'], 'de')).toBe('de');
    expect(() => positiveClass(['de', 'en'])).toThrow(/set positive=<value>/);
    expect(() => positiveClass(['de', 'en'], 'fr')).toThrow(/not among the labels/);
    expect(Array.from(binarize(['de', 'en', 'de'], 'de'))).toEqual([1, 0, 1]);
  });

  it('activation tables: label column plus numeric features; bad cells are named', async () => {
    writeFileSync(join(dir, 'ok.csv'), 'label,n1,n2\nyes,1.5,2\nno,0,-1\n');
    const t = await readActivationTable(join(dir, 'ok.csv'));
    expect(t.names).toEqual(['n1', 'n2']);
    expect(Array.from(t.x.data)).toEqual([1.5, 2, 0, -1]);
    expect(t.labels).toEqual(['yes', 'no']);
    writeFileSync(join(dir, 'bad.csv'), 'label,n1\nyes,abc\n');
    await expect(readActivationTable(join(dir, 'bad.csv'))).rejects.toThrow(/feature column "n1" has a non-numeric value "abc" at data row 1/);
    await expect(readActivationTable(join(dir, 'ok.csv'), 'class')).rejects.toThrow(/no "class" column/);
  });

  it('the split is stratified, seeded and disjoint', () => {
    const labels = Array.from({ length: 100 }, (_, i) => (i < 20 ? 1 : 0));
    const a = stratifiedSplit(labels, { seed: 5 });
    expect(a).toEqual(stratifiedSplit(labels, { seed: 5 }));
    expect(a).not.toEqual(stratifiedSplit(labels, { seed: 6 }));
    expect(a.test.filter((i) => labels[i]).length).toBe(6);
    expect(a.test.length).toBe(30);
    expect(new Set([...a.train, ...a.test]).size).toBe(100);
    expect(() => stratifiedSplit([1, 0, 0], { seed: 1 })).toThrow(/class 1 has 1 example/);
  });
});
