/**
 * The JSON renderer: report.json text. Key order is fixed by the envelope builder, so two runs with the
 * same inputs and seed give the same bytes apart from `timings`.
 */
import { validateReportEnvelope } from './schema.js';
import type { ReportEnvelope } from './types.js';

/** report.json contents: the validated envelope, two-space indented, with a trailing newline. */
export function renderJson(envelope: ReportEnvelope): string {
  validateReportEnvelope(envelope);
  return JSON.stringify(envelope, null, 2) + '\n';
}
