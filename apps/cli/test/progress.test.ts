import { describe, expect, it } from 'vitest';
import { createProgress, progressLine } from '../src/progress.js';

function fakeTerminal(columns = 80) {
  const writes: string[] = [];
  const stream = { isTTY: true, columns, write: (s: string) => (writes.push(s), true) } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe('progress', () => {
  it('draws label, bar, percentage, count and an ETA extrapolated from the elapsed time', () => {
    expect(progressLine('windows', 25, 100, 10)).toBe('windows [#####---------------]  25% 25/100 ETA 30s');
    expect(progressLine('windows', 0, 100, 1)).toBe('windows [--------------------]   0% 0/100 ETA ?');
    expect(progressLine('x', 10, 10, 5)).toBe('x [####################] 100% 10/10 ETA 0s');
    expect(progressLine('x', 1, 100, 60)).toMatch(/ETA 1h39m$/);
  });

  it('writes to a terminal, clears the line when done, and is silent when disabled', () => {
    const tty = fakeTerminal();
    const p = createProgress(tty.stream, true);
    p.start('a', 2);
    p.tick();
    p.tick();
    p.done();
    expect(tty.writes[0]).toMatch(/^\ra \[-+\]   0% 0\/2/);
    expect(tty.writes.some((w) => w.includes('100% 2/2'))).toBe(true);
    expect(tty.writes.at(-1)).toBe('\r\u001b[K');
    const unknownWidth = fakeTerminal(0);
    createProgress(unknownWidth.stream, true).start('windows', 4);
    expect(unknownWidth.writes[0]).toBe('\rwindows [--------------------]   0% 0/4 ETA ?\u001b[K');
    const narrow = fakeTerminal(12);
    createProgress(narrow.stream, true).start('windows', 4);
    expect(narrow.writes[0]).toBe('\rwindows [--\u001b[K');
    const quiet = fakeTerminal();
    const q = createProgress(quiet.stream, false);
    q.start('a', 2);
    q.tick();
    q.done();
    expect(quiet.writes).toEqual([]);
  });
});
