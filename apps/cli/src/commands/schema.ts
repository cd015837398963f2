/** `marr schema`: prints the JSON schema that every report.json follows. */
import { reportJsonSchema } from '@marr/core';

export async function schemaCommand(): Promise<void> {
  process.stdout.write(JSON.stringify(reportJsonSchema(), null, 2) + '\n');
}
