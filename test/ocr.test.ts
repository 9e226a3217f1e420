import { makePdf, renderPdfPages, scanPdf } from '@elegans/ingest/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, getJson, readSse, upload, waitForStatus, type Doc } from './support/http';
import { createKey, makeEnv, startApi, startWorker, type Api, type Env, type Service } from './support/services';

/**
 * OCR through the real service (issue 17): a scanned PDF page and a PNG go upload → worker (OCR in
 * the parse thread, reported as the `ocr` stage) → ready, searchable and summarized with cited
 * pages, like any other document. Small pages at low resolution keep it to seconds per page.
 */
const SCANNED = [
  'The harbour authority bought four electric cranes in March.',
  'Each crane lifts forty tonnes and replaces two diesel machines.',
  'The quay was rebuilt so that the cranes can reach the largest ships.',
  'Noise on the waterfront fell sharply after the diesel machines left.',
];
const TEXT_PAGE = [
  'This page keeps its own text layer and needs no recognition.',
  'The port expects the new cranes to cut unloading times by a third.',
];
const IMAGE = [
  'Invoice number 4711 covers the maintenance of the lighthouse lamp.',
  'Payment is due within thirty days of the invoice date.',
  'The lighthouse keeper confirmed that the lamp works again.',
];

interface Result {
  documentId: string;
  page: number;
  text: string;
}

describe('OCR over the API: scanned PDF pages and image uploads', () => {
  let env: Env;
  let api: Api;
  let worker: Service;
  let key: string;

  const search = async (query: string) => {
    const res = await fetch(`${api.url}/v1/search`, {
      method: 'POST',
      headers: { ...auth(key), 'content-type': 'application/json' },
      body: JSON.stringify({ query, mode: 'lexical', k: 3 }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { results: Result[] }).results;
  };

  beforeAll(async () => {
    env = makeEnv({ OCR: 'auto', OCR_DPI: '150' });
    key = createKey(env, 'scans');
    [api, worker] = await Promise.all([startApi(env), startWorker(env)]);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    env?.cleanup();
  });

  it('a mixed PDF (scanned page, text page) reaches ready through an ocr stage, searchable and cited', async () => {
    const pdf = await scanPdf(await makePdf({ pages: [SCANNED, TEXT_PAGE], fontSize: 14 }), { dpi: 100, pages: [1] });
    const up = await upload(api.url, key, pdf, { filename: 'scan.pdf' });
    expect(up.status).toBe(202);
    const id = up.body.id as string;
    const events = await readSse(`${api.url}/v1/documents/${id}/events`, key);
    expect(events.at(-1)!.data.status).toBe('ready');
    const statuses = events.map((e) => e.data.status as string);
    expect(statuses).toContain('ocr');
    // The ocr stage comes after parsing and before embedding, and progress never goes back.
    const first = (s: string) => statuses.indexOf(s);
    expect(first('ocr')).toBeGreaterThan(-1);
    if (first('parsing') >= 0) expect(first('parsing')).toBeLessThan(first('ocr'));
    if (first('embedding') >= 0) expect(first('ocr')).toBeLessThan(first('embedding'));
    const progress = events.map((e) => e.data.progress as number);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);

    const doc = (await getJson(`${api.url}/v1/documents/${id}`, key)).body as unknown as Doc;
    expect(doc.format).toBe('pdf');
    expect(doc.pages).toBe(2);
    expect(doc.ocr?.pages).toEqual([1]);
    expect(doc.ocr!.words).toBeGreaterThan(30);
    expect(doc.ocr!.confidence!).toBeGreaterThan(60);
    expect(doc.ocr!.failed).toEqual([]);
    expect(doc.timings.ocr).toBeGreaterThan(0);
    expect(doc.flags).not.toContain('no_text_layer');

    // A word that exists only in the scan's pixels is found on page 1; the text page on page 2.
    const hits = await search('electric cranes quay');
    expect(hits[0]).toMatchObject({ documentId: id, page: 1 });
    expect(hits[0]!.text.toLowerCase()).toContain('crane');
    const text = await search('own text layer recognition');
    expect(text[0]!.documentId).toBe(id);
    expect(text[0]!.text).toContain('keeps its own text layer');

    const summary = (await getJson(`${api.url}/v1/documents/${id}/summary`, key)).body.summary as {
      text: string;
      page: number;
    }[];
    expect(summary.length).toBeGreaterThan(0);
    expect(summary.some((s) => s.page === 1 && /crane|diesel|quay|harbour/i.test(s.text))).toBe(true);
    for (const s of summary) expect([1, 2]).toContain(s.page);
  });

  it('a PNG upload is a one-page document read by OCR, searchable and summarized', async () => {
    const [page] = await renderPdfPages(await makePdf({ pages: [IMAGE], fontSize: 14 }), 120);
    const up = await upload(api.url, key, page!.png, { filename: 'invoice.png' });
    expect(up.status).toBe(202);
    const doc = await waitForStatus(api.url, key, up.body.id as string, (d) => ['ready', 'failed'].includes(d.status));
    expect(doc.error).toBeNull();
    expect(doc.status).toBe('ready');
    expect(doc.format).toBe('png');
    expect(doc.pages).toBe(1);
    expect(doc.ocr?.pages).toEqual([1]);
    const hits = await search('lighthouse lamp maintenance');
    expect(hits[0]).toMatchObject({ documentId: doc.id, page: 1 });
    const summary = (await getJson(`${api.url}/v1/documents/${doc.id}/summary`, key)).body.summary as {
      page: number;
    }[];
    expect(summary.length).toBeGreaterThan(0);
    expect(summary.every((s) => s.page === 1)).toBe(true);
    // The stored original is served with the detected type, never the client's claim.
    const file = await fetch(`${api.url}/v1/documents/${doc.id}/file`, { headers: auth(key) });
    expect(file.headers.get('content-type')).toBe('image/png');
  });

  it('refuses an image too large for IMAGE_MAX_PIXELS as a failed document with a stable code', async () => {
    const [page] = await renderPdfPages(await makePdf({ pages: [['A small note.']] }), 60);
    const limited = makeEnv({ OCR: 'auto', IMAGE_MAX_PIXELS: '1000', OCR_PAGE_TIMEOUT_MS: '100' });
    const k = createKey(limited, 'limits');
    const [a, w] = await Promise.all([startApi(limited), startWorker(limited)]);
    try {
      const big = await upload(a.url, k, page!.png, { filename: 'big.png' });
      const failed = await waitForStatus(a.url, k, big.body.id as string, (d) => d.status === 'failed');
      expect(failed.error?.code).toBe('image_too_large');
      // An OCR page over OCR_PAGE_TIMEOUT_MS fails that page with its code; the text page is kept.
      const pdf = await scanPdf(await makePdf({ pages: [SCANNED, TEXT_PAGE] }), { dpi: 100, pages: [1] });
      const up = await upload(a.url, k, pdf, { filename: 'slow.pdf' });
      const doc = await waitForStatus(a.url, k, up.body.id as string, (d) => ['ready', 'failed'].includes(d.status));
      expect(doc.status).toBe('ready');
      expect(doc.ocr?.pages).toEqual([]);
      expect(doc.ocr?.failed).toEqual([{ page: 1, code: 'ocr_timeout' }]);
      const page2 = (await getJson(`${a.url}/v1/documents/${doc.id}/pages?page=2`, k)).body;
      expect(JSON.stringify(page2)).toContain('keeps its own text layer');
      const page1 = (await getJson(`${a.url}/v1/documents/${doc.id}/pages?page=1`, k)).body;
      expect(JSON.stringify(page1)).not.toContain('crane');
    } finally {
      await Promise.all([a.stop(), w.stop()]);
      limited.cleanup();
    }
  });
});
