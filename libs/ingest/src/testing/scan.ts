import { PDFDocument } from 'pdf-lib';
import { openPdfJs } from '../formats/pdf';
import { renderPage, type RenderablePage } from '../ocr/render';

/**
 * Image-only ("scanned") versions of a PDF: each chosen page is rendered with pdf.js onto a
 * canvas at `dpi` and placed as a PNG filling a page of the same size; other pages are copied
 * with their text layer (a mixed document). Used by OCR tests and eval/ocr.ts.
 */
export async function scanPdf(source: Uint8Array, opts: { dpi?: number; pages?: number[] } = {}): Promise<Uint8Array> {
  const dpi = opts.dpi ?? 150;
  const doc = await (await openPdfJs(source)).promise;
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
      const { canvas } = await renderPage(page as RenderablePage, dpi);
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
