import { execSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { marr } from './helpers.js';

// --device is the MARR_DEVICE setting for the command: cpu runs; cuda without onnxruntime-node's CUDA
// libraries is one error naming the rebuild, exit 1; anything else is a usage error listing the choices.
const cudaInstalled = execSync('find "$(dirname "$(node -p "require.resolve(\'onnxruntime-node/package.json\')")")/bin" -name "libonnxruntime_providers_cuda.so"', { encoding: 'utf8' }).trim() !== '';

describe('marr --device', () => {
  it('runs on the cpu, refuses cuda without its libraries with the fix, and rejects other names', () => {
    const cpu = marr(['--device', 'cpu', 'generate', '--model', 'default', '--prompt', 'three days after Monday is', '--max-tokens', '2']);
    expect(cpu.status).toBe(0);
    expect(cpu.stdout).toContain('three days after Monday is');
    if (!cudaInstalled) {
      const cuda = marr(['--device', 'cuda', 'generate', '--model', 'default', '--prompt', 'a', '--max-tokens', '1']);
      expect(cuda.status).toBe(1);
      expect(cuda.stderr).toMatch(/no CUDA execution provider libraries.*ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node.*--device cpu/s);
    }
    const bad = marr(['--device', 'tpu', 'list']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--device.*tpu.*cpu, cuda/s);
  });
});
