/**
 * The record of one differentiable forward pass: each step pushes its backward closure, and `backward`
 * runs them in reverse. Gradients are kept per value (the array object the forward produced), so a value
 * read by several steps (the residual stream) sums the gradients of all its readers.
 */
import type { FloatArray, Kernels } from './kernels.js';

export type BackwardStep = () => void | Promise<void>;

export class Tape {
  private readonly steps: (BackwardStep | null)[] = [];
  private readonly grads = new Map<FloatArray, FloatArray>();

  constructor(readonly kernels: Kernels) {}

  /** Records a backward step; returns its index (steps run from the last index down). */
  record(step: BackwardStep): number {
    this.steps.push(step);
    return this.steps.length - 1;
  }

  /** The number of steps recorded so far. */
  get length(): number {
    return this.steps.length;
  }

  /** The gradient accumulated for `x` so far, or undefined when none reached it. */
  grad(x: FloatArray): FloatArray | undefined {
    return this.grads.get(x);
  }

  /**
   * The gradient of `x`, removed from the tape: for the backward step of the op that produced `x`, the
   * last reader of it (frees memory as the backward pass goes).
   */
  take(x: FloatArray): FloatArray | undefined {
    const g = this.grads.get(x);
    this.grads.delete(x);
    return g;
  }

  /** The gradient buffer of `x`, created as zeros when none exists yet (for kernels that accumulate). */
  gradBuffer(x: FloatArray): FloatArray {
    let g = this.grads.get(x);
    if (!g) {
      g = this.kernels.alloc(x.length);
      this.grads.set(x, g);
    }
    return g;
  }

  /** Adds `g` into the gradient of `x`; `owned` lets the tape keep `g` itself when `x` has none yet. */
  accumulate(x: FloatArray, g: FloatArray, owned = false): void {
    if (g.length !== x.length) throw new Error(`internal: gradient of length ${g.length} for a value of length ${x.length}`);
    const cur = this.grads.get(x);
    if (!cur) {
      this.grads.set(x, owned ? g : g.slice());
      return;
    }
    for (let i = 0; i < cur.length; i++) cur[i] += g[i];
  }

  /** Replaces the gradient of `x` (a gradient hook's edit). */
  setGrad(x: FloatArray, g: FloatArray): void {
    this.grads.set(x, g);
  }

  /** Runs the recorded steps from the last down to `stopAt` (inclusive), then forgets them. */
  async backward(stopAt = 0): Promise<void> {
    for (let i = this.steps.length - 1; i >= Math.max(0, stopAt); i--) {
      const step = this.steps[i]!;
      // drop the step (and the activations only it kept alive) before running the next
      this.steps[i] = null;
      await step();
    }
    this.steps.length = 0;
    this.grads.clear();
  }
}
