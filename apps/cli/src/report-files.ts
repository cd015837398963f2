/**
 * Writing report.json and report.html into the output folder, all or nothing: both are rendered in
 * memory, staged in a folder beside --out and renamed into place together (core's writeFileSet), so a
 * run that fails or is killed never leaves a report.html without its report.json.
 */
import { mkdir } from 'node:fs/promises';
import { checkOutputDir, renderJson, renderTerminal, writeFileSet, type ReportEnvelope } from '@marr/core';

/**
 * Fails early (before any work) when the output folder cannot work: an existing file, a virtual
 * filesystem such as /proc, or a place that cannot be written. Then creates the folder (empty), as
 * marr always has, so a failed run leaves an empty folder and never a partial report.
 */
export async function prepareOutDir(dir: string): Promise<void> {
  await checkOutputDir(dir, '--out');
  await mkdir(dir, { recursive: true });
}

export async function writeReportFiles(dir: string, envelope: ReportEnvelope): Promise<{ json: string; html: string }> {
  const { renderHtml } = await import('@marr/report-html');
  const jsonText = renderJson(envelope);
  const htmlText = await renderHtml(envelope);
  const [json, html] = await writeFileSet(dir, [
    { name: 'report.json', data: jsonText },
    { name: 'report.html', data: htmlText },
  ]);
  return { json, html };
}

/** The runner's log lines on stderr, unless --json keeps the terminal for the report alone. */
export function stderrLog(json: boolean | undefined): (message: string) => void {
  return (message) => {
    if (!json) process.stderr.write(`${message}\n`);
  };
}

/** Writes the report files, then prints the report (as JSON with --json) and where it was written. */
export async function writeAndPrintReport(dir: string, envelope: ReportEnvelope, options: { json?: boolean; done?: string }): Promise<void> {
  const paths = await writeReportFiles(dir, envelope);
  if (options.json) {
    process.stdout.write(JSON.stringify(envelope, null, 2) + '\n');
  } else {
    process.stdout.write(renderTerminal(envelope));
    process.stdout.write(`\n${options.done ? `${options.done} ` : ''}Wrote ${paths.json} and ${paths.html}\n`);
  }
}
