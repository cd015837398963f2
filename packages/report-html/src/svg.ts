/**
 * Server-side figure rendering: Vega-Lite compiles the spec, Vega's headless View draws it to an SVG
 * string (renderer 'none': no canvas, no browser). Marks that carry a description get an SVG <title>,
 * which browsers show as a hover tooltip without any JavaScript.
 */
import type { FigureSpec } from '@marr/core';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { figureToVegaLite } from './vega-lite-spec.js';

/** Adds `<title>` children to self-closing mark elements that Vega labelled with aria-label. */
export function addHoverTitles(svg: string): string {
  // The aria-label value is already entity-escaped by Vega, so it is valid as element text too.
  return svg.replace(
    /<(path|circle|rect|line)( aria-label="([^"]*)" role="graphics-symbol"[^>]*?)\/>/g,
    (_m, tag: string, attrs: string, label: string) => `<${tag}${attrs}><title>${label}</title></${tag}>`,
  );
}

export async function renderFigureSvg(fig: FigureSpec): Promise<string> {
  // Vega-Lite's warnings (e.g. an unused scale property) would land on the CLI's stderr; errors still throw.
  const logger = {
    level: () => logger,
    warn: () => logger,
    info: () => logger,
    debug: () => logger,
    error: (...args: unknown[]) => {
      throw new Error(`Vega-Lite: ${args.join(' ')}`);
    },
  };
  const compiled = compile(figureToVegaLite(fig), { logger: logger as never }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    return addHoverTitles(await view.toSVG());
  } finally {
    view.finalize();
  }
}
