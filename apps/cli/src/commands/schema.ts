/**
 * `marr schema [analysis]`: the JSON schema every report.json follows, or, for one analysis, the same
 * schema with `results` replaced by that analysis's own results schema.
 */
import { analysisReportJsonSchema, reportJsonSchema } from '@marr/core';

export async function schemaCommand(id?: string): Promise<void> {
  if (id === undefined) {
    process.stdout.write(JSON.stringify(reportJsonSchema(), null, 2) + '\n');
    return;
  }
  const { resolveAnalysis } = await import('../discovery/resolve.js');
  const { analysis } = await resolveAnalysis(id);
  process.stdout.write(JSON.stringify(analysisReportJsonSchema(analysis), null, 2) + '\n');
}
