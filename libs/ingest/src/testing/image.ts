import { crc32 } from 'node:zlib';
import { openPdfJs } from '../formats/pdf';
import { renderPage, toGray, type RenderablePage } from '../ocr/render';

/**
 * Image fixtures for OCR tests: the pages of a generated PDF rendered with pdf.js at `dpi`, as
 * PNG (with a pHYs chunk giving that resolution), JPEG or a multi-page TIFF (uncompressed 8-bit
 * grayscale, one strip per page, XResolution set), so a test knows where each word is printed.
 */
export interface RenderedPage {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
  png: Buffer;
  jpeg: Buffer;
}

export async function renderPdfPages(source: Uint8Array, dpi: number): Promise<RenderedPage[]> {
  const doc = await (await openPdfJs(source)).promise;
  const out: RenderedPage[] = [];
  try {
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const { canvas, rgba, width, height } = await renderPage(page as RenderablePage, dpi);
      out.push({
        width,
        height,
        rgba,
        png: withPngDpi(canvas.toBuffer('image/png'), dpi),
        jpeg: canvas.toBuffer('image/jpeg', 92),
      });
      page.cleanup();
    }
  } finally {
    await doc.destroy();
  }
  return out;
}

/** Inserts a pHYs chunk (pixels per metre) after IHDR. */
export function withPngDpi(png: Buffer, dpi: number): Buffer {
  const ppm = Math.round(dpi / 0.0254);
  const body = Buffer.alloc(13);
  body.write('pHYs', 0, 'ascii');
  body.writeUInt32BE(ppm, 4);
  body.writeUInt32BE(ppm, 8);
  body[12] = 1;
  const chunk = Buffer.alloc(21);
  chunk.writeUInt32BE(9, 0);
  body.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(body), 17);
  const ihdrEnd = 8 + 12 + 13;
  return Buffer.concat([png.subarray(0, ihdrEnd), chunk, png.subarray(ihdrEnd)]);
}

/** A PNG signature and IHDR claiming `width` × `height`, with no image data (a size bomb's header). */
export function pngHeader(width: number, height: number): Buffer {
  const body = Buffer.alloc(17);
  body.write('IHDR', 0, 'ascii');
  body.writeUInt32BE(width, 4);
  body.writeUInt32BE(height, 8);
  body.set([8, 0, 0, 0, 0], 12);
  const chunk = Buffer.alloc(25);
  chunk.writeUInt32BE(13, 0);
  body.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(body), 21);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk]);
}

/** A little-endian multi-page TIFF: each page 8-bit grayscale, uncompressed, at `dpi`. */
export function grayTiff(pages: { width: number; height: number; rgba: Uint8ClampedArray }[], dpi: number): Buffer {
  const TAGS = 11;
  const ifdSize = 2 + TAGS * 12 + 4 + 8; // entries, next offset, one RATIONAL for the resolution
  const parts: Buffer[] = [];
  const header = Buffer.alloc(8);
  header.write('II', 0, 'ascii');
  header.writeUInt16LE(42, 2);
  let offset = 8;
  header.writeUInt32LE(offset, 4);
  parts.push(header);
  pages.forEach((p, i) => {
    const pixels = p.width * p.height;
    const ifd = Buffer.alloc(ifdSize);
    const dataAt = offset + ifdSize;
    const rational = offset + 2 + TAGS * 12 + 4;
    ifd.writeUInt16LE(TAGS, 0);
    const entries: [number, number, number, number][] = [
      [256, 4, 1, p.width], // ImageWidth (LONG)
      [257, 4, 1, p.height], // ImageLength
      [258, 3, 1, 8], // BitsPerSample
      [259, 3, 1, 1], // Compression: none
      [262, 3, 1, 1], // Photometric: BlackIsZero
      [273, 4, 1, dataAt], // StripOffsets
      [277, 3, 1, 1], // SamplesPerPixel
      [278, 4, 1, p.height], // RowsPerStrip
      [279, 4, 1, pixels], // StripByteCounts
      [282, 5, 1, rational], // XResolution (RATIONAL, at `rational`)
      [296, 3, 1, 2], // ResolutionUnit: inch
    ];
    entries.forEach(([tag, type, count, value], k) => {
      const at = 2 + k * 12;
      ifd.writeUInt16LE(tag, at);
      ifd.writeUInt16LE(type, at + 2);
      ifd.writeUInt32LE(count, at + 4);
      if (type === 3) ifd.writeUInt16LE(value, at + 8);
      else ifd.writeUInt32LE(value, at + 8);
    });
    const next = i + 1 < pages.length ? dataAt + pixels : 0;
    ifd.writeUInt32LE(next, 2 + TAGS * 12);
    ifd.writeUInt32LE(dpi, 2 + TAGS * 12 + 4);
    ifd.writeUInt32LE(1, 2 + TAGS * 12 + 8);
    parts.push(ifd, Buffer.from(toGray(p.rgba, p.width, p.height)));
    offset = dataAt + pixels;
  });
  return Buffer.concat(parts);
}
