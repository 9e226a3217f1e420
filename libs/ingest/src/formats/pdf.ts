import { dirname, join } from 'node:path';
import { ElegansError } from '@elegans/common';
import type { PdfOps } from '../ocr/image-cover';
import { PageOcr } from '../ocr/page-ocr';
import type { DocumentFlag } from '../types';
import { layoutPage, type RawItem } from './pdf-layout';
import { assemblePages, type OutlineTitle, type PageLines } from './pdf-text';
import type { FormatContext, FormatResult } from './types';

/** The slice of the pdf.js API used here (its types are ESM-only). */
interface PdfPage {
  view: number[];
  getOperatorList(opts?: { intent?: string }): Promise<{ fnArray: number[]; argsArray: unknown[] }>;
  getViewport(opts: { scale: number }): { width: number; height: number; transform: number[] };
  render(params: Record<string, unknown>): { promise: Promise<void> };
  getTextContent(opts?: { includeMarkedContent?: boolean }): Promise<{
    items: Array<(RawItem & { fontName?: string }) | { type: string }>;
    styles?: Record<string, { ascent?: number; descent?: number }>;
  }>;
  cleanup(): boolean;
  getAnnotations(opts?: { intent?: string }): Promise<Annotation[]>;
}
interface Annotation {
  subtype?: string;
  fieldType?: string;
  fieldValue?: unknown;
  rect?: number[];
  hidden?: boolean;
  contentsObj?: { str?: string };
}
interface OutlineNode {
  title: string;
  dest: string | unknown[] | null;
  items: OutlineNode[];
}
export interface PdfDoc {
  numPages: number;
  getPage(n: number): Promise<PdfPage>;
  getOutline(): Promise<OutlineNode[] | null>;
  getDestination(id: string): Promise<unknown[] | null>;
  getPageIndex(ref: unknown): Promise<number>;
  getMetadata(): Promise<{ info: Record<string, unknown> }>;
  destroy(): Promise<void>;
}
interface PdfJs {
  OPS: PdfOps;
  getDocument(src: Record<string, unknown>): { promise: Promise<PdfDoc>; destroy(): Promise<void> };
}

let pdfjsPromise: Promise<PdfJs> | null = null;
function loadPdfJs(): Promise<PdfJs> {
  // ESM-only; tsc keeps this dynamic import under module node16.
  pdfjsPromise ??= import('pdfjs-dist/legacy/build/pdf.mjs') as unknown as Promise<PdfJs>;
  return pdfjsPromise;
}

/** A pdf.js data folder (cmaps, standard_fonts, wasm) as a local path: nothing is fetched. */
function pdfjsDir(name: string): string | undefined {
  try {
    return join(dirname(require.resolve('pdfjs-dist/package.json')), name) + '/';
  } catch {
    return undefined;
  }
}

const MAX_OUTLINE_ENTRIES = 2000;

/**
 * Opens a PDF with pdf.js under the one set of options Elegans uses everywhere (parsing, OCR fixtures,
 * evals): no eval, no system or web fonts, no fetching (cmaps, standard fonts and wasm decoders come from
 * the local pdfjs-dist folder).
 */
export async function openPdfJs(bytes: Uint8Array): Promise<{ promise: Promise<PdfDoc>; destroy(): Promise<void> }> {
  const pdfjs = await loadPdfJs();
  return pdfjs.getDocument({
    // pdf.js may transfer (detach) the buffer it is given; hand it a copy so the caller's bytes survive.
    data: new Uint8Array(bytes),
    password: '',
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    isOffscreenCanvasSupported: false,
    enableXfa: false,
    stopAtErrors: false,
    verbosity: 0,
    cMapUrl: pdfjsDir('cmaps'),
    // Rendering for OCR needs the standard fonts and the wasm image decoders (JPX, JBIG2 scans).
    standardFontDataUrl: pdfjsDir('standard_fonts'),
    wasmUrl: pdfjsDir('wasm'),
    cMapPacked: true,
  });
}

export async function parsePdf(bytes: Uint8Array, ctx: FormatContext): Promise<FormatResult> {
  const pdfjs = await loadPdfJs();
  const flags: DocumentFlag[] = [];
  if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf('/Encrypt') >= 0) flags.push('encrypted');
  const task = await openPdfJs(bytes);
  let doc: PdfDoc;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => undefined);
    throw classifyOpenError(err);
  }
  let ocr: PageOcr | null = null;
  try {
    const numPages = doc.numPages;
    if (numPages === 0) throw new ElegansError('empty_document', 'PDF has no pages');
    if (numPages > ctx.limits.maxPages) {
      throw new ElegansError('too_many_pages', `PDF has ${numPages} pages; the limit is ${ctx.limits.maxPages}`);
    }
    // Page by page: only one page's pdf.js structures are alive at a time; what is kept per page
    // is its laid-out lines (plain strings and numbers) until boilerplate detection has seen all pages.
    const info = await doc.getMetadata().then(
      (m) => m.info,
      () => ({}) as Record<string, unknown>,
    );
    const hasForm = info?.IsAcroFormPresent === true;
    const pages: PageLines[] = [];
    let failed = 0;
    ocr = ctx.ocr.mode === 'off' ? null : new PageOcr(ctx.ocr);
    // Pass 1, the text layer of every page; pages whose text layer is not usable are noted, with
    // that text layer as the fallback should their OCR fail.
    const due = new Map<number, RawItem[]>();
    const readPage = async (page: PdfPage, items: RawItem[]): Promise<PageLines> => {
      // Annotations cost a quarter of text extraction on link-heavy papers; read them where
      // they can matter: documents with a form, and pages with little text of their own.
      if (hasForm || items.reduce((n, i) => n + i.str.length, 0) < 200) items.push(...(await annotationItems(page)));
      const [x0 = 0, y0 = 0, x1 = 612, y1 = 792] = page.view;
      // The page as pdf.js displays it at scale 1 (rotation applied): what the web UI renders.
      const viewport = page.getViewport({ scale: 1 });
      return {
        lines: layoutPage(items, Math.abs(x1 - x0)),
        height: Math.abs(y1 - y0),
        bottom: Math.min(y0, y1),
        frame: { width: viewport.width, height: viewport.height, transform: viewport.transform },
      };
    };
    const unreadable: PageLines = { lines: [], height: 792, bottom: 0, frame: { width: 612, height: 792 } };
    for (let n = 1; n <= numPages; n++) {
      ctx.checkDeadline();
      try {
        const page = await doc.getPage(n);
        try {
          const content = await page.getTextContent({ includeMarkedContent: false });
          const items: Array<RawItem & { fontName?: string }> = content.items.filter(
            (i): i is RawItem & { fontName?: string } => typeof (i as RawItem).str === 'string',
          );
          for (const it of items) {
            const style = it.fontName ? content.styles?.[it.fontName] : undefined;
            if (style) {
              it.ascent = style.ascent;
              it.descent = style.descent;
            }
          }
          if (ocr && (await ocr.wants(items, page, pdfjs.OPS))) {
            due.set(n, items);
            pages.push(unreadable);
          } else pages.push(await readPage(page, items));
        } finally {
          page.cleanup();
        }
      } catch (err) {
        if (err instanceof ElegansError) throw err;
        failed++;
        pages.push(unreadable);
      }
      ctx.onProgress?.(n / numPages, 'parsing');
    }
    // Pass 2, the `ocr` stage: the noted pages are rendered and recognized one by one within the
    // OCR limits, with their own progress.
    let done = 0;
    for (const [n, fallback] of due) {
      ctx.checkDeadline();
      try {
        const page = await doc.getPage(n);
        try {
          const ocrItems = await ocr!.page(page, n, page.view);
          pages[n - 1] = await readPage(page, ocrItems ?? fallback);
        } finally {
          page.cleanup();
        }
      } catch (err) {
        if (err instanceof ElegansError) throw err;
      }
      ctx.onProgress?.(++done / due.size, 'ocr');
    }
    const ocrSummary = due.size ? ocr?.summary : undefined;
    const ocrStats = ocr?.pageStats;
    await ocr?.close();
    ocr = null;
    if (failed === numPages) throw new ElegansError('pdf_corrupt', 'no page of the PDF could be read');
    if (failed > 0) flags.push('truncated');

    const outline = await readOutline(doc).catch(() => []);
    const assembled = assemblePages(pages, outline, ocrStats);
    if (!/\S/.test(assembled.text)) flags.push('no_text_layer');
    const title = typeof info?.Title === 'string' ? info.Title.replace(/\s+/g, ' ').trim() || null : null;
    return {
      ...assembled,
      softLineBreaks: false,
      title,
      flags,
      ...(ocrSummary ? { ocr: ocrSummary } : {}),
    };
  } finally {
    await ocr?.close();
    await doc.destroy().catch(() => undefined);
  }
}

/**
 * Filled-in form fields and free-text annotations (typed-on notes) are drawn from annotations,
 * not from the page's text content; a certificate or an application form is mostly that. Their
 * text becomes text items at the annotation's position (buttons are skipped: their values are
 * states like "Off"; pop-up comments are skipped: they are not on the page).
 */
async function annotationItems(page: PdfPage): Promise<RawItem[]> {
  let annots: Annotation[];
  try {
    annots = await page.getAnnotations({ intent: 'display' });
  } catch {
    return [];
  }
  const items: RawItem[] = [];
  for (const a of annots) {
    if (a.hidden || !a.rect || a.rect.length < 4) continue;
    let raw: unknown;
    if (a.subtype === 'FreeText') raw = a.contentsObj?.str;
    else if (a.subtype === 'Widget' && a.fieldType !== 'Btn') {
      raw = Array.isArray(a.fieldValue) ? a.fieldValue.filter((v) => typeof v === 'string').join(', ') : a.fieldValue;
    } else continue;
    if (typeof raw !== 'string' || !raw.trim()) continue;
    const [x0, y0, x1, y1] = a.rect as [number, number, number, number];
    const lines = raw.split(/\r\n|\r|\n/).filter((l) => l.trim());
    const size = Math.max(4, Math.min(12, Math.abs(y1 - y0) / Math.max(1, lines.length) - 1));
    lines.forEach((line, i) => {
      items.push({
        str: line,
        transform: [size, 0, 0, size, Math.min(x0, x1) + 2, Math.max(y0, y1) - (i + 1) * size * 1.2],
        width: Math.min(Math.abs(x1 - x0) - 4, line.length * size * 0.5),
        height: size,
      });
    });
  }
  return items;
}

function classifyOpenError(err: unknown): ElegansError {
  const e = err as { name?: string; message?: string };
  if (e?.name === 'PasswordException') {
    return new ElegansError('pdf_password_required', 'PDF is encrypted and needs a password');
  }
  return new ElegansError('pdf_corrupt', `PDF could not be opened: ${e?.message ?? String(err)}`);
}

/** Flattened outline with 1-based page numbers, depth-first (document order in practice). */
async function readOutline(doc: PdfDoc): Promise<OutlineTitle[]> {
  const roots = await doc.getOutline();
  if (!roots?.length) return [];
  const out: OutlineTitle[] = [];
  const visit = async (nodes: OutlineNode[], level: number): Promise<void> => {
    for (const node of nodes) {
      if (out.length >= MAX_OUTLINE_ENTRIES) return;
      const page = await destinationPage(doc, node.dest).catch(() => null);
      if (page !== null && node.title?.trim()) out.push({ title: node.title, level, page });
      if (node.items?.length && level < 6) await visit(node.items, level + 1);
    }
  };
  await visit(roots, 1);
  return out.sort((a, b) => a.page - b.page);
}

async function destinationPage(doc: PdfDoc, dest: OutlineNode['dest']): Promise<number | null> {
  const explicit = typeof dest === 'string' ? await doc.getDestination(dest) : dest;
  if (!Array.isArray(explicit) || explicit.length === 0) return null;
  const target = explicit[0];
  if (typeof target === 'number') return target + 1;
  if (target && typeof target === 'object') return (await doc.getPageIndex(target)) + 1;
  return null;
}
