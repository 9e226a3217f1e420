import { dirname, join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { PDFDocument } from 'pdf-lib';

/**
 * Image-only ("scanned") versions of a PDF: each chosen page is rendered with pdf.js onto a
 * canvas at `dpi` and placed as a PNG filling a page of the same size; other pages are copied
 * with their text layer (a mixed document). Used by OCR tests and eval/ocr-papers.ts.
 */
export async function scanPdf(source: Uint8Array, opts: { dpi?: number; pages?: number[] } = {}): Promise<Uint8Array> {
  const dpi = opts.dpi ?? 150;
  const pdfjs = (await import('pdfjs-dist/legacy/build/pdf.mjs')) as unknown as {
    getDocument(src: Record<string, unknown>): { promise: Promise<any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const root = dirname(require.resolve('pdfjs-dist/package.json'));
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(source),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    isOffscreenCanvasSupported: false,
    verbosity: 0,
    standardFontDataUrl: join(root, 'standard_fonts') + '/',
    cMapUrl: join(root, 'cmaps') + '/',
    cMapPacked: true,
    wasmUrl: join(root, 'wasm') + '/',
  }).promise;
  const src = await PDFDocument.load(source, { ignoreEncryption: true });
  const out = await PDFDocument.create();
  try {
    for (let n = 1; n <= doc.numPages; n++) {
      if (opts.pages && !opts.pages.includes(n)) {
        const [copied] = await out.copyPages(src, [n - 1]);
        out.addPage(copied);
        continue;
      }
      const page = await doc.getPage(n);
      const base = page.getViewport({ scale: 1 });
      const viewport = page.getViewport({ scale: dpi / 72 });
      const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      await page.render({ canvasContext: ctx, viewport, canvas }).promise;
      const png = await out.embedPng(canvas.toBuffer('image/png'));
      const p = out.addPage([base.width, base.height]);
      p.drawImage(png, { x: 0, y: 0, width: base.width, height: base.height });
      page.cleanup();
    }
  } finally {
    await doc.destroy();
  }
  return out.save();
}
