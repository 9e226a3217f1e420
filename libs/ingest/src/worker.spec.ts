import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { isElegansError } from '@elegans/common';
import { parseDocument } from './parse';
import { makePdf, scanPdf } from './testing';
import { closeParseWorkers, parseInWorker } from './worker';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return isElegansError(err) ? err.code : `unexpected: ${String(err)}`;
  }
}

afterAll(() => closeParseWorkers());

const pages = Array.from({ length: 6 }, (_, i) => [
  `Page ${i + 1} of the worker test says hello.`,
  'Another line follows here.',
]);

describe('parseInWorker', () => {
  it('reports the OCR of scanned pages as its own stage, after reading the pages, page by page', async () => {
    const text = await makePdf({
      pages: [['A scanned page about harbour cranes.'], ['A text page.'], ['Another scan.']],
    });
    const scan = await scanPdf(text, { dpi: 100, pages: [1, 3] });
    const seen: [string, number][] = [];
    const doc = await parseInWorker(scan, {
      ocr: { mode: 'auto', dpi: 150 },
      onProgress: (f, stage) => seen.push([stage, f]),
    });
    expect(doc.meta.ocr?.pages).toEqual([1, 3]);
    expect(doc.text).toMatch(/harbour cranes/i);
    const stages = seen.map(([s]) => s);
    const firstOcr = stages.indexOf('ocr');
    expect(firstOcr).toBeGreaterThan(0);
    expect(stages.slice(firstOcr).every((s) => s === 'ocr')).toBe(true);
    // One report per OCR'd page (of 2), then the end of the parse.
    expect(seen.slice(firstOcr).map(([, f]) => f)).toEqual([0.5, 1, 1]);
    const parsing = seen.slice(0, firstOcr).map(([, f]) => f);
    expect(parsing.at(-1)).toBe(1);
  }, 60_000);

  it('returns what parseDocument returns, reports progress, and leaves the caller bytes intact', async () => {
    const pdf = await makePdf({ pages });
    const before = Buffer.from(pdf).toString('base64');
    const progress: number[] = [];
    const inWorker = await parseInWorker(pdf, { onProgress: (f) => progress.push(f) });
    const inThread = await parseDocument(pdf);
    expect(inWorker.text).toBe(inThread.text);
    expect(inWorker.sentences).toEqual(inThread.sentences);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(1);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    expect(Buffer.from(pdf).toString('base64')).toBe(before);
  });

  it('reads from a path, and reports unreadable paths and size limits without reading', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'elegans-ingest-'));
    const file = join(dir, 'doc.md');
    writeFileSync(file, '# Hello\n\nWorld here.');
    const doc = await parseInWorker(file);
    expect(doc.sections[0]?.title).toBe('Hello');
    expect(await codeOf(parseInWorker(join(dir, 'missing.pdf')))).toBe('parse_failed');
    expect(await codeOf(parseInWorker(file, { limits: { maxBytes: 5 } }))).toBe('too_large');
  });

  it('kills a parse at the time limit and keeps serving afterwards', async () => {
    const pdf = await makePdf({ pages });
    expect(await codeOf(parseInWorker(pdf, { limits: { parseTimeoutMs: 1 } }))).toBe('parse_timeout');
    const doc = await parseInWorker(pdf);
    expect(doc.pages).toHaveLength(6);
  });

  it('survives a worker that runs out of memory', async () => {
    // ~12 MB of Markdown against a 16 MB heap cap: the thread dies, the caller does not.
    const big = new TextEncoder().encode(`# Big\n\n${'word '.repeat(2_500_000)}`);
    const code = await codeOf(parseInWorker(big, { limits: { workerMemoryMb: 16 } }));
    expect(code).toBe('parse_failed');
    const ok = await parseInWorker(new TextEncoder().encode('Still alive. Yes.'));
    expect(ok.sentences).toHaveLength(2);
  });

  it('cancels on abort', async () => {
    const pdf = await makePdf({ pages });
    const ac = new AbortController();
    const p = parseInWorker(pdf, { signal: ac.signal });
    ac.abort();
    expect(await codeOf(p)).toBe('cancelled');
  });

  it('never hands a parse to an idle thread that its idle timer is terminating', async () => {
    // Regression (bench/workers-throughput.ts, 4 workers on 2 cores): a thread idle for 15 s was
    // terminated but stayed in the pool until its exit event, so a parse acquired in between got
    // "parser thread exited with code 1", a permanent parse_failed for a sound document.
    const pdf = await makePdf({ pages });
    const limits = { workerMemoryMb: 1000 }; // a pool entry of its own
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await parseInWorker(pdf, { limits }); // the thread goes idle with its (fake) idle timer
      vi.advanceTimersByTime(15_000); // the idle timer fires: terminate() has begun, exit not yet seen
    } finally {
      vi.useRealTimers();
    }
    const doc = await parseInWorker(pdf, { limits });
    expect(doc.pages).toHaveLength(6);
  });

  it('classifies error codes from inside the worker', async () => {
    expect(await codeOf(parseInWorker(new Uint8Array([0, 1, 2, 3, 4])))).toBe('unsupported_format');
  });
});
