import { PDFDocument, StandardFonts } from 'pdf-lib';

const WORDS = (
  'liquid network reads documents token time state cell neuron memory page section passage ' +
  'sentence offset index query answer summary model stream queue worker storage blob tenant ' +
  'river mountain harbor lantern orchard meadow copper violet canyon glacier falcon willow'
).split(' ');

/** Page numbers as letters (1 → "b", 27 → "bb"…): distinct even after a parser folds digits. */
export function pageTag(n: number): string {
  let s = '';
  let x = n;
  do {
    s = String.fromCharCode(97 + (x % 26)) + s;
    x = Math.floor(x / 26);
  } while (x > 0);
  return s;
}

/**
 * A real multi-page PDF with a text layer. Every line is different (seeded pseudo-random words),
 * as in a real paper, so no line looks like a running header; page n starts with the heading
 * `Marker <pageTag(n)>` so tests can check that text lands on the right page.
 */
export async function makePdf(pages: number, linesPerPage = 12, salt = ''): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  let seed = 0x9e3779b1 ^ [...salt].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7);
  const word = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) | 0;
    return WORDS[(seed >>> 8) % WORDS.length]!;
  };
  for (let n = 1; n <= pages; n++) {
    const page = doc.addPage([595, 842]);
    page.drawText(`Marker ${pageTag(n)} ${salt}`, { x: 50, y: 790, size: 16, font });
    for (let l = 0; l < linesPerPage; l++) {
      const words = Array.from({ length: 11 }, word).join(' ');
      page.drawText(`The ${words} ${pageTag(n)}${pageTag(l)}.`, { x: 50, y: 760 - l * 18, size: 11, font });
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
