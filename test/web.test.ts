import { makePdf } from '@elegans/ingest/testing';
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getJson, upload, waitForStatus } from './support/http';
import { type Api, type Env, type Service, createKey, makeEnv, startApi, startWorker } from './support/services';

/**
 * The web app in a real headless Chromium (Debian's `chromium`) against the real API and worker:
 * sign-in, upload to ready with its stages, summary, a cited answer whose highlight covers the
 * sentence's glyphs (at every zoom), a text document's highlighted range, search, delete, and the
 * error states. Screenshots of the main screens go to test-output/screenshots.
 */
const ROOT = resolve(__dirname, '..');
const SHOTS = join(ROOT, 'test-output', 'screenshots');
const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const SIZE = 11;
const LEADING = SIZE * 1.35;
const PAGES = [
  [
    'Lake Vostra lies in a glacial valley north of the old mining town.',
    'The valley was settled by farmers in the twelfth century.',
    'Winters there are long and the lake freezes every year.',
  ],
  [
    'The reservoir dam at Lake Vostra was completed in 1968.',
    'The reservoir holds 42 million cubic metres of drinking water.',
    'Engineers inspect the dam wall every spring after the thaw.',
  ],
  [
    'Fishing on the lake is limited to licensed boats.',
    'Brown trout and perch are the most common species caught.',
    'The fishing season runs from May until the end of September.',
  ],
];
const NOTE =
  '# Island notes\n\nThe harbour is small. The ferry to the island leaves at seven every morning. It returns at six.\n';
const ANSWER_PAGE = 2;
const ANSWER_LINE = 1;

interface Rect {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const canvasWidth = async (page: Page) => (await page.locator('.page canvas').boundingBox())?.width ?? 0;

/**
 * The share of the cited sentence's glyphs (where pdf-lib drew them) that the highlight boxes on
 * screen cover, at whatever scale the page is drawn; 0 when the boxes are not the route's, or when
 * one lies far from the sentence.
 */
async function highlightCover(page: Page, expectedBoxes: number): Promise<number> {
  const canvas = (await page.locator('.page canvas').boundingBox())!;
  const boxes = await page
    .getByTestId('highlight')
    .evaluateAll((els) =>
      els.map((e) =>
        (e as unknown as { getBoundingClientRect(): { toJSON(): Rect } }).getBoundingClientRect().toJSON(),
      ),
    );
  if (boxes.length !== expectedBoxes) return 0;
  // Baseline at y = 708 - line × leading (PDF points, y up); drawText does not kern.
  const font = await (await PDFDocument.create()).embedFont(StandardFonts.Helvetica);
  const text = PAGES[ANSWER_PAGE - 1]![ANSWER_LINE]!;
  const advance = [...text].reduce((w, c) => w + font.widthOfTextAtSize(c, SIZE), 0);
  const s = canvas.width / 612;
  const baseline = 792 - (708 - ANSWER_LINE * LEADING);
  const glyphs = {
    x0: canvas.x + 72 * s,
    x1: canvas.x + (72 + advance) * s,
    y0: canvas.y + (baseline - 0.7 * SIZE) * s,
    y1: canvas.y + (baseline + 0.15 * SIZE) * s,
  };
  // Nothing far from the sentence is highlighted.
  if (boxes.some((b) => b.top < glyphs.y0 - 2 * LEADING * s || b.bottom > glyphs.y1 + 2 * LEADING * s)) return 0;
  const covered = boxes.reduce((a, b) => {
    const w = Math.min(b.right, glyphs.x1) - Math.max(b.left, glyphs.x0);
    const h = Math.min(b.bottom, glyphs.y1) - Math.max(b.top, glyphs.y0);
    return a + (w > 0 && h > 0 ? w * h : 0);
  }, 0);
  return covered / ((glyphs.x1 - glyphs.x0) * (glyphs.y1 - glyphs.y0));
}

describe.skipIf(!CHROMIUM)('web app in headless Chromium', () => {
  let env: Env;
  let api: Api;
  let limited: Api;
  let worker: Service;
  let key: string;
  let browser: Browser;
  let pdf: Uint8Array;
  const consoleErrors: string[] = [];

  const track = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${m.text()} @ ${m.location().url}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const distDir = inject('distDir');
    // global-setup compiles the server only; the API serves the web app from <dist>/web.
    execSync('npx vite build --config apps/web/vite.config.mts --logLevel warn', {
      cwd: ROOT,
      env: { ...process.env, WEB_OUT_DIR: join(distDir, 'web') },
      stdio: 'inherit',
    });
    env = makeEnv();
    [api, worker] = await Promise.all([startApi(env), startWorker(env)]);
    // A second API on the same data with small limits, for the error states.
    limited = await startApi(env, { MAX_UPLOAD_MB: '0.02', RATE_LIMIT_MAX: '8', RATE_LIMIT_WINDOW_MS: '60000' });
    key = createKey(env, 'web');
    pdf = await makePdf({ title: 'Lake Vostra', pages: PAGES });
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: ARGS, timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([api?.stop(), limited?.stop(), worker?.stop()]);
    env?.cleanup();
  });

  it('signs in, uploads to ready with stages, summarises, answers with a highlighted citation, searches, deletes', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    track(page);
    await page.goto(`${api.url}/`);
    await page.getByLabel('API key').waitFor();
    await shot(page, 'sign-in');

    // Sign-in: a wrong key is refused with a message, the right one opens the documents.
    await page.getByLabel('API key').fill('elg_wrong_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not accepted');
    await shot(page, 'sign-in-wrong-key');
    await page.getByLabel('API key').fill(key);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Documents' }).waitFor();
    expect(await page.evaluate<string>('location.href')).not.toContain(key);
    expect(await page.evaluate<string | null>("sessionStorage.getItem('elegans.apiKey')")).toBe(key);

    // Upload: record every status the item shows on its way to ready.
    // (A string: this file is compiled without the DOM types.)
    await page.evaluate(`(() => {
      const seen = (window.seen = new Set());
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('.upload-item .stages')) seen.add(el.getAttribute('data-status'));
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    })()`);
    await page
      .getByTestId('file-input')
      .setInputFiles({ name: 'vostra.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdf) });
    await page.locator('.upload-item[data-state="processing"]').waitFor({ timeout: 30_000 });
    await shot(page, 'upload-progress');
    await page.locator('.upload-item[data-state="ready"]').waitFor({ timeout: 60_000 });
    const seen = await page.evaluate<string[]>('[...window.seen]');
    expect(
      seen.some((s) => ['parsing', 'embedding', 'indexing', 'summarizing'].includes(s)),
      seen.join(),
    ).toBe(true);
    await page.locator('table.docs tbody tr').first().waitFor();
    expect(await page.locator('table.docs').textContent()).toContain('ready');

    // The same file again: shown as a duplicate, nothing queued.
    await page
      .getByTestId('file-input')
      .setInputFiles({ name: 'again.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdf) });
    await page.locator('.upload-item[data-state="duplicate"]').waitFor();
    await shot(page, 'documents');

    // Document page: the summary, each sentence a citation.
    await page.locator('table.docs tbody tr a').first().click();
    await page.getByTestId('summary').waitFor();
    const summary = await page.getByTestId('summary').locator('a.cite').allTextContents();
    expect(summary.length).toBeGreaterThan(0);
    for (const s of summary) expect(PAGES.flat()).toContain(s);
    await page.locator('[data-rendered-page="1"]').waitFor();
    await shot(page, 'document');

    // Ask this document; the answer's citation opens its page with the sentence highlighted.
    const docId = decodeURIComponent(/#\/documents\/([^?]+)/.exec(page.url())![1]!);
    await page.getByPlaceholder(/Ask about/).fill('How much drinking water does the reservoir hold?');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    const answer = page.locator('.turn.assistant[data-answered]');
    await answer.waitFor({ timeout: 30_000 });
    const cite = answer.locator('a.cite').first();
    const [cPage, cStart, cEnd] = await Promise.all(
      ['data-page', 'data-start', 'data-end'].map((a) => cite.getAttribute(a)),
    );
    expect(Number(cPage)).toBe(ANSWER_PAGE);
    await cite.click();
    await page.locator(`[data-rendered-page="${ANSWER_PAGE}"]`).waitFor();
    const doc = await (await fetch(`${api.url}/docs/openapi.json`)).json();
    const hasGeometry = Object.keys((doc as { paths: object }).paths).some((p) => p.endsWith('/geometry'));
    expect(hasGeometry, 'GET /v1/documents/:id/geometry is in the OpenAPI document').toBe(true);
    const g = (await (
      await fetch(`${api.url}/v1/documents/${docId}/geometry?start=${cStart}&end=${cEnd}`, {
        headers: { Authorization: `Bearer ${key}` },
      })
    ).json()) as { pages: { page: number; boxes: unknown[] }[] };
    const expectedBoxes = g.pages.find((p) => p.page === ANSWER_PAGE)!.boxes.length;
    await page.getByTestId('highlight').first().waitFor();
    await expect.poll(() => highlightCover(page, expectedBoxes)).toBeGreaterThan(0.8);
    await shot(page, 'citation-highlight');

    // Zoom: fit width by default; the buttons and the keys + - 0 redraw the page and its boxes.
    const fitWidth = await canvasWidth(page);
    expect(await page.getByTestId('zoom-level').textContent()).toBe('Fit width');
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(() => canvasWidth(page)).toBeCloseTo(fitWidth * 1.25, -0.5);
    await expect.poll(() => highlightCover(page, expectedBoxes)).toBeGreaterThan(0.8);
    expect(await page.getByTestId('zoom-level').textContent()).toBe('125%');
    await page.locator('.page-wrap').focus();
    await page.keyboard.press('+');
    await expect.poll(() => canvasWidth(page)).toBeCloseTo(fitWidth * 1.5, -0.5);
    await expect.poll(() => highlightCover(page, expectedBoxes)).toBeGreaterThan(0.8);
    // Past the width the page scrolls inside its frame; the screen itself does not.
    expect(
      await page.evaluate<boolean>(
        "(() => { const w = document.querySelector('.page-wrap'); return w.scrollWidth > w.clientWidth; })()",
      ),
    ).toBe(true);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
    await shot(page, 'citation-highlight-zoomed');
    await page.keyboard.press('-');
    await page.keyboard.press('-');
    await page.keyboard.press('-');
    await expect.poll(() => canvasWidth(page)).toBeCloseTo(fitWidth * 0.75, -0.5);
    await expect.poll(() => highlightCover(page, expectedBoxes)).toBeGreaterThan(0.8);
    await page.keyboard.press('0');
    await expect.poll(() => canvasWidth(page)).toBeCloseTo(fitWidth, -0.5);

    // Search: a hit links to its page.
    await page.getByRole('link', { name: 'Search' }).click();
    await page.getByLabel('Search text').fill('brown trout perch');
    await page.keyboard.press('Enter');
    const hit = page.locator('ol.results li').first();
    await hit.waitFor();
    expect(await hit.textContent()).toContain('trout');
    await shot(page, 'search');
    const hitPage = await hit.locator('a.cite').getAttribute('data-page');
    await hit.locator('a.cite').click();
    await page.locator(`[data-rendered-page="${hitPage}"]`).waitFor();

    // Ask screen over everything.
    await page.getByRole('link', { name: 'Ask' }).click();
    await page.getByLabel('Question').fill('How much drinking water does the reservoir hold?');
    await page.keyboard.press('Enter');
    const answered = page.locator('.turn.assistant[data-answered]');
    // A failed chat request removes the turn and shows an alert: fail with its text, not a timeout.
    const failed = page.locator('p.error[role="alert"]');
    await answered.or(failed).first().waitFor({ timeout: 30_000 });
    if (await failed.isVisible()) {
      await shot(page, 'ask-failed');
      throw new Error(`ask failed in the browser: ${await failed.textContent()}`);
    }
    expect(await answered.locator('a.cite').count()).toBeGreaterThan(0);
    await shot(page, 'ask');
    await page.getByRole('button', { name: 'New conversation' }).click();
    await page.getByLabel('Question').fill('When does the fishing season run?');
    await page.keyboard.press('Enter');
    await page.locator('.turn.assistant[data-answered]').waitFor({ timeout: 30_000 });
    await shot(page, 'ask-second');

    // Phone width: no horizontal scrolling on the main screens.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [hash, name] of [
      ['#/', 'documents-phone'],
      ['#/search', 'search-phone'],
      ['#/ask', 'ask-phone'],
      [`#/documents/${docId}?page=${ANSWER_PAGE}&start=${cStart}&end=${cEnd}`, 'document-phone'],
    ] as const) {
      await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
      await page.waitForTimeout(700);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth'), name).toBeLessThanOrEqual(390);
      await shot(page, name);
    }
    // The highlight at phone width, fitted and zoomed in (the page scrolls in its frame).
    await expect.poll(() => highlightCover(page, expectedBoxes)).toBeGreaterThan(0.8);
    const phoneFit = await canvasWidth(page);
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(() => canvasWidth(page)).toBeCloseTo(phoneFit * 1.5, -0.5);
    await expect.poll(() => highlightCover(page, expectedBoxes)).toBeGreaterThan(0.8);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.locator('.page-wrap').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'document-phone-zoomed.png') });
    await page.setViewportSize({ width: 1280, height: 900 });

    // A format without pages (Markdown): the cited range is marked in the page's text.
    const md = await upload(api.url, key, new TextEncoder().encode(NOTE), { filename: 'note.md' });
    expect(md.status).toBe(202);
    const mdId = md.body.id as string;
    await waitForStatus(api.url, key, mdId, (d) => d.status === 'ready');
    const mdPage = (await getJson(`${api.url}/v1/documents/${mdId}/pages?page=1`, key)).body as {
      pages: { start: number; text: string; sentences: { start: number; end: number }[] }[];
    };
    const p1 = mdPage.pages[0]!;
    const target = p1.sentences.find((x) => p1.text.slice(x.start - p1.start).startsWith('The ferry'))!;
    const noGeometry = await getJson(
      `${api.url}/v1/documents/${mdId}/geometry?start=${target.start}&end=${target.end}`,
      key,
    );
    expect(noGeometry.body).toMatchObject({ geometry: false, pages: [] });
    await page.evaluate(
      `location.hash = ${JSON.stringify(`#/documents/${mdId}?page=1&start=${target.start}&end=${target.end}`)}`,
    );
    const mark = page.getByTestId('text-highlight');
    await mark.waitFor();
    expect(await mark.textContent()).toBe('The ferry to the island leaves at seven every morning.');
    await page.locator('.text-page').focus();
    await page.keyboard.press('+');
    expect(await page.locator('.text-page').getAttribute('data-zoom')).toBe('1.25');
    await shot(page, 'text-highlight');
    const del = await fetch(`${api.url}/v1/documents/${mdId}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${key}` },
    });
    expect(del.status).toBe(204);

    // Delete, with confirmation; the API then answers 404.
    await page.evaluate("location.hash = '#/'");
    await page
      .getByRole('button', { name: /^Delete / })
      .first()
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await shot(page, 'delete-confirm');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No documents yet').waitFor();
    const gone = await fetch(`${api.url}/v1/documents/${docId}`, { headers: { Authorization: `Bearer ${key}` } });
    expect(gone.status).toBe(404);

    // The wrong key's 401 is logged by the browser itself; nothing else may be.
    expect(consoleErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    consoleErrors.length = 0;
    await ctx.close();
  });

  it('shows 413, 415 and 429 (with the retry time) on upload', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    track(page);
    // Its own key: the rate-limit counter is per key and shared by the replicas through Redis.
    const other = createKey(env, 'web-limits');
    await page.goto(`${limited.url}/`);
    await page.getByLabel('API key').fill(other);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Documents' }).waitFor();
    await page.getByTestId('file-input').setInputFiles([
      { name: 'big.txt', mimeType: 'text/plain', buffer: Buffer.alloc(64 * 1024, 'word ') },
      {
        name: 'tiny.bin',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
      },
    ]);
    await expect
      .poll(() => page.locator('.upload-item[data-name="big.txt"] .error').textContent())
      .toContain('too large');
    await expect
      .poll(() => page.locator('.upload-item[data-name="tiny.bin"] .error').textContent())
      .toContain('Unsupported file type');
    // Spend the rest of this key's small rate limit; the next upload is told when to retry.
    for (let i = 0; i < 8; i++)
      await fetch(`${limited.url}/v1/documents`, { headers: { Authorization: `Bearer ${other}` } });
    await page
      .getByTestId('file-input')
      .setInputFiles({ name: 'late.txt', mimeType: 'text/plain', buffer: Buffer.from('A short note.') });
    const late = page.locator('.upload-item[data-name="late.txt"]');
    await expect.poll(() => late.locator('.error').textContent()).toMatch(/Too many requests: retry in \d+ s/);
    expect(await late.getByRole('button', { name: 'Retry' }).isDisabled()).toBe(true);
    await shot(page, 'upload-errors');
    // The failed requests show as errors in the console of any browser; nothing else may.
    expect(consoleErrors.filter((e) => !/status of (413|415|429)/.test(e))).toEqual([]);
    await ctx.close();
  });
});
