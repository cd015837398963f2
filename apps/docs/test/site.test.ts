/**
 * The built docs site in a real browser (headless Chromium): every page loads without console errors or
 * failed requests, every internal link (and #fragment) resolves, every figure renders with data (the
 * interactive one with JavaScript, the static SVG without), the search finds an analysis by name, and
 * nothing is fetched from outside the site. Screenshots of the key pages go to test-artifacts/.
 *
 * Run `npx nx test docs` (builds the site first) or, after `npx nx build docs`, `npx vitest run` here.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../generate/catalog.js';
import { launchBrowser, type Browser } from './browser.js';
import { docsRoot, serveSite } from './server.js';

const artifacts = join(docsRoot, 'test-artifacts');
const catalog = JSON.parse(readFileSync(join(docsRoot, 'generated', 'catalog.json'), 'utf8')) as Catalog;

let site: { origin: string; stop(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  site = await serveSite();
  browser = await launchBrowser(site.origin);
});

afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

interface Visit {
  status: number;
  errors: string[];
  links: string[];
  ids: Set<string>;
}

/** Loads a page and collects console errors, uncaught exceptions, failed local requests, links and ids. */
async function visit(page: Page, url: string): Promise<Visit> {
  const errors: string[] = [];
  const onConsole = (msg: { type(): string; text(): string }) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  };
  const onPageError = (err: Error) => errors.push(`exception: ${err.message}`);
  const onResponse = (res: { status(): number; url(): string }) => {
    if (res.status() >= 400) errors.push(`HTTP ${res.status()} for ${res.url()}`);
  };
  page.on('console', onConsole);
  page.on('pageerror', onPageError);
  page.on('response', onResponse);
  try {
    const response = await page.goto(url, { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    const links = await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href));
    const ids = new Set(await page.$$eval('[id]', (els) => els.map((e) => e.id)));
    return { status: response?.status() ?? 0, errors, links, ids };
  } finally {
    page.off('console', onConsole);
    page.off('pageerror', onPageError);
    page.off('response', onResponse);
  }
}

const isPage = (path: string) => path.endsWith('/');

describe('the docs site in headless Chromium', () => {
  const pages = new Map<string, Visit>();

  it('loads every page reachable from the home page with no console error, and every internal link resolves', async () => {
    const page = await browser.context.newPage();
    const queue = ['/'];
    const files = new Set<string>();
    const fragments: { from: string; path: string; id: string }[] = [];
    while (queue.length > 0) {
      const path = queue.shift()!;
      if (pages.has(path)) continue;
      const result = await visit(page, site.origin + path);
      pages.set(path, result);
      for (const href of result.links) {
        const url = new URL(href);
        if (url.origin !== site.origin) continue;
        if (url.hash.length > 1) fragments.push({ from: path, path: url.pathname, id: decodeURIComponent(url.hash.slice(1)) });
        if (isPage(url.pathname)) {
          if (!pages.has(url.pathname)) queue.push(url.pathname);
        } else {
          files.add(url.pathname);
        }
      }
    }
    await page.close();

    const problems: string[] = [];
    for (const [path, v] of pages) {
      if (v.status !== 200) problems.push(`${path}: HTTP ${v.status}`);
      for (const e of v.errors) problems.push(`${path}: ${e}`);
    }
    for (const file of files) {
      const res = await fetch(site.origin + file);
      if (res.status !== 200) problems.push(`${file}: HTTP ${res.status}`);
    }
    for (const f of fragments) {
      const target = pages.get(f.path);
      if (target && !target.ids.has(f.id)) problems.push(`${f.from} links to ${f.path}#${f.id}, which has no element with that id`);
    }
    expect(problems).toEqual([]);
    expect(browser.external, 'requests that left the site (it must work offline)').toEqual([]);

    // Every analysis of every installed official plugin has a page, reachable by navigation.
    for (const a of catalog.analyses) expect(pages.has(`/analyses/${a.id}/`), `/analyses/${a.id}/ reachable`).toBe(true);
    for (const level of ['computational', 'algorithmic', 'implementational']) expect(pages.has(`/levels/${level}/`)).toBe(true);
    expect([...pages.keys()].some((p) => p.startsWith('/api/core/'))).toBe(true);
    expect(pages.size).toBeGreaterThanOrEqual(catalog.analyses.length + 10);
  });

  it('shows a worked example from a real run on every analysis page, and every figure renders with data', async () => {
    const page = await browser.context.newPage();
    for (const a of catalog.analyses) {
      await page.goto(`${site.origin}/analyses/${a.id}/`, { waitUntil: 'load' });
      const examples = await page.locator('.marr-example').count();
      expect(examples, `${a.id}: worked examples`).toBeGreaterThanOrEqual(1);
      expect(examples).toBe(a.examples.length);
      // Every official analysis declares a results schema; its page shows the fields.
      expect(a.results, `${a.id}: results schema`).not.toBeNull();
      expect(await page.locator('#results').count(), `${a.id}: Results section`).toBe(1);
      const figures = page.locator('[data-marr-figure]');
      const n = await figures.count();
      for (let i = 0; i < n; i++) {
        const figure = figures.nth(i);
        await figure.scrollIntoViewIfNeeded();
        await expect.poll(() => figure.getAttribute('data-interactive'), { timeout: 20_000 }).toBe('true');
        expect(Number(await figure.getAttribute('data-values')), `${a.id} figure ${i}: values`).toBeGreaterThan(0);
        // Vega's SVG renderer draws each data mark as a path/shape inside a "mark-*" group.
        const marks = await figure.locator('.marr-figure-live svg g[class*="mark-"] path').count();
        expect(marks, `${a.id} figure ${i}: drawn marks`).toBeGreaterThan(0);
        expect(await figure.locator('.marr-figure-static').isHidden()).toBe(true);
      }
    }
    await page.close();
  });

  it('figures show their values on hover', async () => {
    const page = await browser.context.newPage();
    let hovered = 0;
    for (const a of catalog.analyses.filter((x) => x.examples.length > 0)) {
      await page.goto(`${site.origin}/analyses/${a.id}/`, { waitUntil: 'load' });
      // A data mark that carries a tooltip (points of line/scatter plots, bars, heatmap cells).
      const mark = page.locator('[data-marr-figure] .marr-figure-live svg :is(g.mark-symbol, g.mark-rect) path[aria-label]').first();
      if ((await mark.count()) === 0) continue;
      await mark.scrollIntoViewIfNeeded();
      await mark.hover({ force: true });
      // Vega's default tooltip handler writes the hovered mark's tooltip into its container's title.
      const label = (await mark.getAttribute('aria-label')) ?? '';
      const titled = page.locator('[data-marr-figure] .marr-figure-live[title]').first();
      await expect.poll(async () => ((await titled.count()) > 0 ? ((await titled.getAttribute('title')) ?? '') : ''), { timeout: 5_000 }).toBe(label);
      expect(label).toMatch(/\d/);
      hovered++;
      if (hovered >= 3) break;
    }
    expect(hovered).toBeGreaterThan(0);
    await page.close();
  });

  it('line and scatter figures zoom with the mouse wheel', async () => {
    const page = await browser.context.newPage();
    const withLine = catalog.analyses.find((a) => a.id === 'layer-robustness' && a.examples.length > 0) ?? catalog.analyses.find((a) => a.examples.length > 0);
    await page.goto(`${site.origin}/analyses/${withLine!.id}/`, { waitUntil: 'load' });
    const figure = page.locator('[data-marr-figure][data-figure-type="line"][data-interactive="true"], [data-marr-figure][data-figure-type="scatter"][data-interactive="true"]').first();
    await figure.waitFor({ timeout: 20_000 });
    await figure.scrollIntoViewIfNeeded();
    const ticks = () => figure.locator('.marr-figure-live svg g[class*="role-axis-label"] text').allTextContents();
    const before = (await ticks()).join('|');
    const box = (await figure.locator('.marr-figure-live svg').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await expect.poll(async () => (await ticks()).join('|'), { timeout: 5_000 }).not.toBe(before);
    await page.close();
  });

  it('without JavaScript, every figure is a static SVG with data marks and hover titles', async () => {
    const noJs = await launchBrowser(site.origin, { javaScriptEnabled: false });
    try {
      const page = await noJs.context.newPage();
      for (const a of catalog.analyses.filter((x) => x.examples.length > 0)) {
        await page.goto(`${site.origin}/analyses/${a.id}/`, { waitUntil: 'load' });
        const figures = page.locator('[data-marr-figure]');
        const n = await figures.count();
        for (let i = 0; i < n; i++) {
          const stat = figures.nth(i).locator('.marr-figure-static');
          expect(await stat.isVisible(), `${a.id} figure ${i}: static SVG visible`).toBe(true);
          expect(await stat.locator('svg [role="graphics-symbol"]').count(), `${a.id} figure ${i}: marks`).toBeGreaterThan(0);
        }
        if (a === catalog.analyses[0]) await page.screenshot({ path: join(artifacts, `no-js-${a.id}.png`), fullPage: false });
      }
      expect(noJs.external).toEqual([]);
    } finally {
      await noJs.close();
    }
  });

  it('search finds an analysis by name', async () => {
    const page = await browser.context.newPage();
    for (const a of catalog.analyses.slice(0, 3)) {
      await page.goto(`${site.origin}/`, { waitUntil: 'networkidle' });
      // The button opens the dialog once Starlight's search element is defined; retry until it does.
      const dialog = page.locator('dialog[open]');
      for (let attempt = 0; attempt < 20 && (await dialog.count()) === 0; attempt++) {
        await page.locator('button[data-open-modal]').first().click();
        await dialog.waitFor({ timeout: 1_000 }).catch(() => undefined);
      }
      const input = page.locator('dialog[open] input').first();
      await input.fill(a.title);
      const hit = page.locator(`dialog[open] a[href*="/analyses/${a.id}/"]`).first();
      await hit.waitFor({ timeout: 20_000 });
      if (a === catalog.analyses[0]) await page.screenshot({ path: join(artifacts, 'search.png') });
    }
    await page.close();
  });

  it('keeps screenshots of the key pages', async () => {
    const page = await browser.context.newPage();
    const examples = catalog.analyses.filter((a) => a.examples.length > 0).slice(0, 3);
    const key = ['/', '/quick-start/', '/analyses/', '/levels/algorithmic/', '/guides/plugin-authoring/', ...examples.map((a) => `/analyses/${a.id}/`)];
    for (const path of key) {
      await page.goto(site.origin + path, { waitUntil: 'networkidle' });
      const name = path === '/' ? 'home' : path.replace(/^\/|\/$/g, '').replace(/\//g, '--');
      await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
    }
    await page.close();
  });
});
