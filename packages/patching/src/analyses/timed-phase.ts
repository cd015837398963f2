/**
 * A timed phase of a run: the work runs as a part (ctx.run), so the runner records its seconds under
 * report.timings.phases (`part:<id>`), the one place wall-clock numbers may go (everything else in
 * report.json must be the same for the same inputs and seed).
 */
import { defineAnalysis, z, type AnalysisContext } from '@marr/core';

export type Phase = <T>(id: string, work: () => Promise<T>) => Promise<T>;

/** Without a run context (the study called from code): just the work. */
export const untimed: Phase = (_id, work) => work();

export function timedPhases(ctx: AnalysisContext<unknown>): Phase {
  return async <T>(id: string, work: () => Promise<T>): Promise<T> => {
    let out: { value: T } | null = null;
    const part = defineAnalysis({
      id,
      title: id,
      level: 'implementational',
      summary: `the ${id} phase of a run`,
      inputs: { models: { min: 1, max: 1 } },
      params: z.object({}),
      async run() {
        out = { value: await work() };
        return { summary: `the ${id} phase`, results: {}, sections: [] };
      },
    });
    await ctx.run(part);
    return (out as { value: T } | null)!.value;
  };
}
