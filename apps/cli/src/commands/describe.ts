/** `marr describe <analysis>`: level, inputs, parameters with defaults and ranges, references. */
import { dataKindId, describeInputs, describeNamedInputs, describeParams, formatParamRange, resolveInputKind, resultsJsonSchema, terminalSafe } from '@marr/core';
import { resolveAnalysis } from '../discovery/resolve.js';

export async function describeCommand(id: string, options: { json?: boolean }): Promise<void> {
  const { entry, analysis } = await resolveAnalysis(id);
  const params = describeParams(analysis.params);
  if (options.json) {
    const out = {
      id: analysis.id,
      title: analysis.title,
      level: analysis.level,
      plugin: entry.plugin.name,
      pluginVersion: entry.plugin.version,
      summary: analysis.summary,
      description: analysis.description ?? null,
      inputs: {
        ...analysis.inputs,
        ...(analysis.inputs.data ? { data: { ...analysis.inputs.data, kind: dataKindId(analysis.inputs) } } : {}),
        files: Object.fromEntries(
          Object.entries(analysis.inputs.files ?? {}).map(([name, spec]) => {
            const kind = resolveInputKind(spec.kind);
            return [name, { ...spec, kind: kind.id, kindDescription: kind.description, flag: spec.labelled ? `--input ${name}.<label>=<path>` : `--input ${name}=<path>` }];
          }),
        ),
      },
      params,
      results: resultsJsonSchema(analysis),
      references: analysis.references ?? [],
      shardable: analysis.shards !== undefined,
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return;
  }
  const t = terminalSafe;
  const lines = [
    `${t(analysis.title)} (${analysis.id})`,
    `level:   ${analysis.level}`,
    `plugin:  ${t(entry.plugin.name)} ${t(entry.plugin.version)}`,
    `summary: ${t(analysis.summary)}`,
  ];
  if (analysis.shards) lines.push('shards:  yes (marr run --shard i/N on each machine, then marr merge; see the sharding guide)');
  if (analysis.description) lines.push('', t(analysis.description));
  lines.push('', `inputs: ${t(describeInputs(analysis.inputs))}`);
  for (const line of describeNamedInputs(analysis.inputs.files)) lines.push(`  ${t(line)}`);
  lines.push('', 'parameters (--param key=value):');
  if (params.length === 0) lines.push('  (none)');
  for (const p of params) {
    lines.push(`  ${p.name}: ${t(formatParamRange(p))}`);
    if (p.description) lines.push(`      ${t(p.description)}`);
  }
  const results = resultsJsonSchema(analysis) as { properties?: Record<string, { description?: string }> } | null;
  if (results?.properties) {
    lines.push('', `results (report.json; full schema: marr schema ${analysis.id}):`);
    for (const [name, field] of Object.entries(results.properties)) lines.push(`  ${name}${field.description ? `: ${t(field.description)}` : ''}`);
  }
  if (analysis.references?.length) {
    lines.push('', 'references:');
    for (const r of analysis.references) lines.push(`  - ${t(r.title)}${r.url ? ` <${t(r.url)}>` : ''}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}
