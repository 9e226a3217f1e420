import { makePdf } from '@elegans/ingest/testing';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, getJson, upload, waitForStatus, type Doc } from './support/http';
import { createKey, makeEnv, startApi, startWorker, type Api, type Env, type Service } from './support/services';

/**
 * The content routes the web app reads (issue 15) against the real API, worker and SQLite:
 * `/geometry` boxes on the glyphs pdf-lib drew, its limits and tenant scope, and `/pages` and
 * `/sections` read page by page.
 */
const SIZE = 11;
const LEADING = SIZE * 1.35;
const PAGES = [
  ['Lake Vostra lies in a glacial valley north of the town.', 'The valley was settled by farmers long ago.'],
  ['The reservoir dam was completed in 1968.', 'The reservoir holds 42 million cubic metres of water.'],
  ['Fishing on the lake is limited to licensed boats.', 'Brown trout are the most common species.'],
];
const MAX_RANGE = 500;

interface GeometryBody {
  documentId: string;
  start: number;
  end: number;
  geometry: boolean;
  pages: {
    page: number;
    width: number;
    height: number;
    boxes: { x: number; y: number; width: number; height: number }[];
  }[];
}

interface PagesBody {
  pageCount: number;
  pages: {
    number: number;
    start: number;
    end: number;
    text?: string;
    sentences?: { index: number; start: number; end: number }[];
  }[];
}

describe('content routes: geometry, pages, sections', () => {
  let env: Env;
  let api: Api;
  let worker: Service;
  let alice: string;
  let bob: string;
  let pdfDoc: Doc;
  let textDoc: Doc;

  beforeAll(async () => {
    env = makeEnv();
    alice = createKey(env, 'alice');
    bob = createKey(env, 'bob');
    [api, worker] = await Promise.all([
      startApi(env, { GEOMETRY_MAX_RANGE_CHARS: String(MAX_RANGE) }),
      startWorker(env),
    ]);
    const pdf = await upload(api.url, alice, await makePdf({ pages: PAGES }), { filename: 'vostra.pdf' });
    const txt = await upload(
      api.url,
      alice,
      new TextEncoder().encode('# Notes\n\nA plain note. It has two sentences.\n'),
      {
        filename: 'notes.md',
      },
    );
    [pdfDoc, textDoc] = await Promise.all(
      [pdf, txt].map((u) => waitForStatus(api.url, alice, u.body.id as string, (d) => d.status === 'ready')),
    );
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    env?.cleanup();
  });

  /** The [start, end) of a sentence, from the page route. */
  async function sentenceRange(docId: string, page: number, startsWith: string): Promise<[number, number]> {
    const r = await getJson(`${api.url}/v1/documents/${docId}/pages?page=${page}`, alice);
    const p = (r.body as unknown as PagesBody).pages[0]!;
    const s = p.sentences!.find((x) => p.text!.slice(x.start - p.start).startsWith(startsWith))!;
    expect(s, startsWith).toBeDefined();
    return [s.start, s.end];
  }

  it('serves the boxes of a cited sentence on the glyphs pdf-lib drew, on its page only', async () => {
    const text = PAGES[1]![1]!;
    const [start, end] = await sentenceRange(pdfDoc.id, 2, 'The reservoir holds');
    const r = await getJson(`${api.url}/v1/documents/${pdfDoc.id}/geometry?start=${start}&end=${end}`, alice);
    expect(r.status).toBe(200);
    const g = r.body as unknown as GeometryBody;
    expect(g).toMatchObject({ documentId: pdfDoc.id, start, end, geometry: true });
    expect(g.pages.map((p) => [p.page, p.width, p.height])).toEqual([[2, 612, 792]]);
    // One line: one box, from the first glyph to the last (Helvetica metrics), around the baseline.
    const font = await (await PDFDocument.create()).embedFont(StandardFonts.Helvetica);
    const [box] = g.pages[0]!.boxes;
    expect(g.pages[0]!.boxes).toHaveLength(1);
    expect(box!.x).toBeCloseTo(72, 1);
    // drawText does not kern; widthOfTextAtSize does: the drawn advance is the sum of the glyphs'.
    const drawn = [...text].reduce((w, c) => w + font.widthOfTextAtSize(c, SIZE), 0);
    expect(box!.x + box!.width).toBeCloseTo(72 + drawn, 1);
    const baseline = 792 - (708 - LEADING);
    expect(box!.y).toBeLessThan(baseline);
    expect(box!.y + box!.height).toBeGreaterThan(baseline);
    expect(box!.height).toBeLessThan(2 * SIZE);
  });

  it('splits a range across pages and clips a range inside a word', async () => {
    const [, endOf1] = await sentenceRange(pdfDoc.id, 1, 'The valley');
    const [startOf2] = await sentenceRange(pdfDoc.id, 2, 'The reservoir dam');
    const both = (
      await getJson(`${api.url}/v1/documents/${pdfDoc.id}/geometry?start=${endOf1 - 4}&end=${startOf2 + 3}`, alice)
    ).body as unknown as GeometryBody;
    expect(both.pages.map((p) => p.page)).toEqual([1, 2]);
    const [whole] = (
      await getJson(`${api.url}/v1/documents/${pdfDoc.id}/geometry?start=${startOf2}&end=${startOf2 + 3}`, alice)
    ).body.pages as GeometryBody['pages'];
    const [part] = (
      await getJson(`${api.url}/v1/documents/${pdfDoc.id}/geometry?start=${startOf2 + 1}&end=${startOf2 + 3}`, alice)
    ).body.pages as GeometryBody['pages'];
    // "The" vs "he": the same right edge, a later left edge.
    expect(part!.boxes[0]!.x).toBeGreaterThan(whole!.boxes[0]!.x + 1);
    expect(part!.boxes[0]!.x + part!.boxes[0]!.width).toBeCloseTo(whole!.boxes[0]!.x + whole!.boxes[0]!.width, 1);
  });

  it('says there is no geometry for a format without pages, and 400s bad or too long ranges', async () => {
    const md = await getJson(`${api.url}/v1/documents/${textDoc.id}/geometry?start=0&end=5`, alice);
    expect(md.status).toBe(200);
    expect(md.body).toEqual({ documentId: textDoc.id, start: 0, end: 5, geometry: false, pages: [] });
    for (const q of [
      '',
      'start=5',
      'start=5&end=5',
      'start=9&end=2',
      'start=-1&end=4',
      'start=a&end=4',
      'start=0&end=2.5',
    ]) {
      const r = await getJson(`${api.url}/v1/documents/${pdfDoc.id}/geometry?${q}`, alice);
      expect(r.status, q).toBe(400);
      expect(r.body.code, q).toBe('validation_failed');
    }
    const long = await getJson(`${api.url}/v1/documents/${pdfDoc.id}/geometry?start=0&end=${MAX_RANGE + 1}`, alice);
    expect(long.status).toBe(400);
    expect(long.body.detail).toContain('GEOMETRY_MAX_RANGE_CHARS');
    const past = await getJson(`${api.url}/v1/documents/${pdfDoc.id}/geometry?start=100000&end=100010`, alice);
    expect(past.status).toBe(400);
    expect(String(past.body.detail)).toContain('past the end');
  });

  it('answers 404 for another tenant’s document on every content route', async () => {
    for (const path of ['geometry?start=0&end=5', 'pages', 'pages?page=1', 'sections', 'file']) {
      const r = await getJson(`${api.url}/v1/documents/${pdfDoc.id}/${path}`, bob);
      expect(r.status, path).toBe(404);
      expect(r.body.code, path).toBe('not_found');
      const own = await fetch(`${api.url}/v1/documents/${pdfDoc.id}/${path}`, { headers: auth(alice) });
      expect(own.status, path).toBe(200);
      await own.arrayBuffer();
    }
  });

  it('serves page spans (all or a range), one page with its sentences, and sections', async () => {
    const all = (await getJson(`${api.url}/v1/documents/${pdfDoc.id}/pages`, alice)).body as unknown as PagesBody;
    expect(all.pageCount).toBe(3);
    expect(all.pages.map((p) => p.number)).toEqual([1, 2, 3]);
    expect(all.pages.every((p) => p.text === undefined)).toBe(true);
    const some = (await getJson(`${api.url}/v1/documents/${pdfDoc.id}/pages?from=2&to=3`, alice))
      .body as unknown as PagesBody;
    expect(some.pageCount).toBe(3);
    expect(some.pages).toEqual(all.pages.slice(1));
    expect((await getJson(`${api.url}/v1/documents/${pdfDoc.id}/pages?from=3&to=2`, alice)).status).toBe(400);
    const one = (await getJson(`${api.url}/v1/documents/${pdfDoc.id}/pages?page=3`, alice))
      .body as unknown as PagesBody;
    const p3 = one.pages[0]!;
    expect(p3.text).toBe(PAGES[2]!.join(' '));
    expect(p3.sentences!.map((s) => p3.text!.slice(s.start - p3.start, s.end - p3.start))).toEqual(PAGES[2]);
    const missing = await getJson(`${api.url}/v1/documents/${pdfDoc.id}/pages?page=4`, alice);
    expect(missing.status).toBe(404);
    const sections = await getJson(`${api.url}/v1/documents/${textDoc.id}/sections`, alice);
    expect(sections.status).toBe(200);
    expect((sections.body.sections as { title: string; page: number }[])[0]).toMatchObject({ title: 'Notes', page: 1 });
  });
});
