import { PDFDocument, StandardFonts } from 'pdf-lib';

/**
 * A real multi-page PDF with a text layer. Page n carries the marker `page-n-marker` so tests
 * can check that text lands on the right page.
 */
export async function makePdf(pages: number, linesPerPage = 12, salt = ''): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let n = 1; n <= pages; n++) {
    const page = doc.addPage([595, 842]);
    page.drawText(`Section ${n}. page-${n}-marker ${salt}`, { x: 50, y: 790, size: 16, font });
    for (let l = 0; l < linesPerPage; l++) {
      page.drawText(`Line ${l} of page ${n}: the liquid network reads documents one token at a time.`, {
        x: 50,
        y: 760 - l * 18,
        size: 11,
        font,
      });
    }
  }
  return doc.save();
}

/** Bytes that start like a PNG: a format Elegans does not accept. */
export function pngBytes(size = 2048): Uint8Array {
  const b = new Uint8Array(size);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  for (let i = 8; i < size; i++) b[i] = (i * 31) % 256;
  return b;
}
