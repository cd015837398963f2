/**
 * Progressive enhancement of report figures: each figure is first shown as the static SVG rendered at
 * build time; when scripts run, Vega draws the interactive version (tooltips, zoom) from the compiled
 * spec next to it and the static one is hidden. Vega is bundled with the site (no CDN).
 */
import { parse, View, type Spec } from 'vega';

async function enhance(figure: HTMLElement): Promise<void> {
  const specElement = figure.querySelector<HTMLScriptElement>('script[data-vega-spec]');
  const live = figure.querySelector<HTMLElement>('.marr-figure-live');
  const staticView = figure.querySelector<HTMLElement>('.marr-figure-static');
  if (!specElement?.textContent || !live || !staticView) return;
  const spec = JSON.parse(specElement.textContent) as Spec;
  const view = new View(parse(spec), { renderer: 'svg', container: live, hover: true });
  await view.runAsync();
  live.hidden = false;
  staticView.hidden = true;
  figure.dataset.interactive = 'true';
}

export function enhanceFigures(): void {
  for (const figure of document.querySelectorAll<HTMLElement>('[data-marr-figure]:not([data-interactive])')) {
    enhance(figure).catch((err: unknown) => {
      // The static SVG stays visible; the error is reported once, with the figure it belongs to.
      console.error(`marr: interactive figure "${figure.getAttribute('aria-label') ?? ''}" failed`, err);
      figure.dataset.interactive = 'failed';
    });
  }
}
