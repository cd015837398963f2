/**
 * Recognising PyTorch pickle checkpoints by their first bytes, so they are refused with a clear message
 * (marr never unpickles: it can execute arbitrary code). torch.save writes a zip archive ("PK\x03\x04")
 * since PyTorch 1.6 and a raw pickle (protocol byte 0x80, then 2..5, then an opcode) before that.
 */
export function isPickleBytes(head: Uint8Array): boolean {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return true;
  // The byte after the protocol is an opcode, never 0x00; a llama2.c header with dim = 0x0280 (640) would read
  // 80 02 00 00, so the third byte tells the two apart.
  return head.length >= 3 && head[0] === 0x80 && head[1] >= 2 && head[1] <= 5 && head[2] !== 0;
}
