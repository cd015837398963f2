/**
 * Control characters from plugin metadata become visible escapes before they reach the terminal (the
 * same rule as terminalSafe in @marr/core, repeated so that `marr list` need not import core).
 */
export function terminalText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
