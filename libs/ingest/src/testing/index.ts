/**
 * Fixture generators for tests across the repo (import from '@elegans/ingest/testing').
 * Never imported by production code.
 */
export { makePdf, encryptPdf, hasQpdf, type PdfFixtureOptions, type PdfFixturePage, type OutlineEntry } from './pdf';
export { makeDocx, type DocxParagraph } from './docx';
export { makeZip, crc32, type ZipInput } from './zip-writer';

/** UTF-16 bytes (little endian by default) with a BOM, for encoding-detection tests. */
export function utf16(text: string, opts: { bigEndian?: boolean; bom?: boolean } = {}): Uint8Array {
  const le = Buffer.from(text, 'utf16le');
  const body = opts.bigEndian ? Buffer.from(le).swap16() : le;
  const bom = opts.bom === false ? Buffer.alloc(0) : Buffer.from(opts.bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]);
  return new Uint8Array(Buffer.concat([bom, body]));
}
export { scanPdf } from './scan';
export { renderPdfPages, withPngDpi, pngHeader, grayTiff, type RenderedPage } from './image';
