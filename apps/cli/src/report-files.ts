/**
 * Writing report.json and report.html into the output folder. Both are rendered in memory first and
 * each lands with an atomic rename, so a run that is killed or fails leaves no partial report.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { renderJson, writeFileAtomic, type ReportEnvelope } from '@marr/core';
import { UsageError } from './errors.js';

/** Fails early (before any work) when the output folder cannot be a folder. */
export async function prepareOutDir(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => null);
  if (info && !info.isDirectory()) throw new UsageError(`--out "${dir}" is a file; give a folder for report.json and report.html`);
  await mkdir(dir, { recursive: true });
}

export async function writeReportFiles(dir: string, envelope: ReportEnvelope): Promise<{ json: string; html: string }> {
  const { renderHtml } = await import('@marr/report-html');
  const jsonText = renderJson(envelope);
  const htmlText = await renderHtml(envelope);
  const paths = { json: join(dir, 'report.json'), html: join(dir, 'report.html') };
  await writeFileAtomic(paths.html, htmlText);
  await writeFileAtomic(paths.json, jsonText);
  return paths;
}
