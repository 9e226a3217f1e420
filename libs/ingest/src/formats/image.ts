import { createCanvas, type Canvas } from '@napi-rs/canvas';
import { ElegansError } from '@elegans/common';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import * as UTIF from 'utif2';
import { PageOcr } from '../ocr/page-ocr';
import { MAX_RENDER_PIXELS, toPgm } from '../ocr/render';
import type { ImageFormat } from '../types';
import { layoutPage } from './pdf-layout';
import { assemblePages, type PageLines } from './pdf-text';
import type { FormatContext, FormatResult } from './types';

/**
 * Image files (PNG, JPEG, TIFF; a multi-page TIFF is a multi-page document) → text by OCR, with
 * the same page geometry, layout and segmentation as PDF pages.
 *
 * A page's size in points comes from the image's resolution (PNG pHYs, JPEG JFIF density, TIFF
 * XResolution), else 300 dpi is assumed (a scanner's usual setting). The pixel count of every
 * page is checked against `limits.imageMaxPixels` from the header, before anything is decoded,
 * so a decompression bomb fails with `image_too_large` instead of exhausting memory. Decoders are
 * pure JavaScript, so hostile bytes raise errors instead of crashing the process (Skia's decoder in
 * @napi-rs/canvas segfaults on a truncated PNG): pngjs, jpeg-js (with its own resolution and memory
 * caps) and utif2 (TIFF: LZW, Deflate, PackBits, CCITT G3/G4 fax, JPEG). Pages are decoded one at
 * a time.
 */
export const DEFAULT_IMAGE_DPI = 300;

export interface ImagePageInfo {
  width: number;
  height: number;
  /** Resolution from the file, or null when it has none (or a nonsense one). */
  dpi: number | null;
}

interface ImagePage extends ImagePageInfo {
  /** Decodes the page to RGBA, scaled by `scale` (≤ 1). */
  decode(scale: number): Promise<{ rgba: Uint8ClampedArray | Uint8Array; width: number; height: number }>;
}

export async function parseImage(bytes: Uint8Array, format: ImageFormat, ctx: FormatContext): Promise<FormatResult> {
  if (ctx.ocr.mode === 'off') {
    throw new ElegansError('ocr_disabled', `a ${format.toUpperCase()} image has no text without OCR, and OCR is off`);
  }
  const images = openImage(bytes, format);
  if (images.length === 0) throw new ElegansError('image_corrupt', `the ${format.toUpperCase()} file has no image`);
  if (images.length > ctx.limits.maxPages) {
    throw new ElegansError('too_many_pages', `image has ${images.length} pages; the limit is ${ctx.limits.maxPages}`);
  }
  images.forEach((img, i) => {
    if (!(img.width > 0 && img.height > 0)) {
      throw new ElegansError('image_corrupt', `page ${i + 1} of the image has no size`);
    }
    if (img.width * img.height > ctx.limits.imageMaxPixels) {
      throw new ElegansError(
        'image_too_large',
        `page ${i + 1} of the image is ${img.width} × ${img.height} pixels; the limit is ${ctx.limits.imageMaxPixels} pixels`,
      );
    }
  });
  ctx.onProgress?.(1, 'parsing');
  const ocr = new PageOcr(ctx.ocr);
  const pages: PageLines[] = [];
  try {
    for (let i = 0; i < images.length; i++) {
      ctx.checkDeadline();
      const img = images[i]!;
      const dpi = img.dpi ?? DEFAULT_IMAGE_DPI;
      const width = (img.width * 72) / dpi;
      const height = (img.height * 72) / dpi;
      const view = [0, 0, width, height];
      const items = await ocr.image(
        async () => {
          // Tesseract gains nothing from more pixels than a page rendered at ~400 dpi.
          const scale = Math.min(1, Math.sqrt(MAX_RENDER_PIXELS / (img.width * img.height)));
          const d = await img.decode(scale).catch((err: unknown) => {
            throw new ElegansError('image_corrupt', `page ${i + 1} of the image cannot be decoded: ${String(err)}`);
          });
          return { pgm: toPgm(d.rgba, d.width, d.height), dpi: (dpi * d.width) / img.width };
        },
        i + 1,
        view,
      );
      pages.push({
        lines: layoutPage(items ?? [], width),
        height,
        bottom: 0,
        // Image pixels run top-down: the display frame flips PDF-style user space, as pdf.js does.
        frame: { width, height, transform: [1, 0, 0, -1, 0, height] },
      });
      ctx.onProgress?.((i + 1) / images.length, 'ocr');
    }
  } finally {
    await ocr.close();
  }
  const assembled = assemblePages(pages, [], ocr.pageStats);
  return {
    ...assembled,
    softLineBreaks: false,
    title: null,
    flags: /\S/.test(assembled.text) ? [] : ['no_text_layer'],
    ocr: ocr.summary,
  };
}

/** The pages of an image file with their sizes, read from headers only (nothing decoded yet). */
export function openImage(bytes: Uint8Array, format: ImageFormat): ImagePage[] {
  if (format === 'tiff') return tiffPages(bytes);
  const info = format === 'png' ? pngInfo(bytes) : jpegInfo(bytes);
  if (!info) throw new ElegansError('image_corrupt', `not a readable ${format.toUpperCase()} file`);
  return [
    {
      ...info,
      decode: async (scale) => {
        const img =
          format === 'png'
            ? PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
            : jpeg.decode(bytes, {
                useTArray: true,
                formatAsRGBA: true,
                // The header was checked already; these stop a lying one inside the decoder too.
                maxResolutionInMP: Math.ceil((info.width * info.height) / 1e6) + 1,
                maxMemoryUsageInMB: 2048,
              });
        if (img.width !== info.width || img.height !== info.height) throw new Error('size differs from the header');
        return scaled(onWhite(img.data), img.width, img.height, scale);
      },
    },
  ];
}

/** Transparent pixels are paper, not black: composites RGBA over white in place. */
function onWhite(rgba: Uint8Array): Uint8Array {
  for (let i = 0; i < rgba.length; i += 4) {
    const a = rgba[i + 3]!;
    if (a === 255) continue;
    for (let c = 0; c < 3; c++) rgba[i + c] = (rgba[i + c]! * a + 255 * (255 - a)) / 255;
    rgba[i + 3] = 255;
  }
  return rgba;
}

/**
 * RGBA scaled by `scale` ≤ 1 on a canvas (already decoded pixels only: the canvas never decodes
 * file bytes, because Skia's decoders crash the process on a truncated PNG).
 */
function scaled(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, scale: number) {
  if (scale >= 1) return { rgba, width, height };
  const full = createCanvas(width, height);
  const fctx = full.getContext('2d');
  const data = fctx.createImageData(width, height);
  data.data.set(rgba);
  fctx.putImageData(data, 0, 0);
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const small = whiteCanvas(w, h);
  small.getContext('2d').drawImage(full, 0, 0, w, h);
  return { rgba: small.getContext('2d').getImageData(0, 0, w, h).data, width: w, height: h };
}

function whiteCanvas(w: number, h: number): Canvas {
  const canvas = createCanvas(w, h);
  const ctx = canvas.getContext('2d');
  // Transparent pixels are paper, not black.
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, w, h);
  return canvas;
}

/** A resolution worth believing: screenshots say 72 (or 1) without meaning it for paper. */
function plausibleDpi(d: number): number | null {
  return Number.isFinite(d) && d >= 70 && d <= 2400 ? Math.round(d) : null;
}

const u32 = (b: Uint8Array, i: number): number =>
  ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
const u16 = (b: Uint8Array, i: number): number => (b[i]! << 8) | b[i + 1]!;

/** IHDR size and pHYs resolution (pixels per metre when its unit is 1). */
export function pngInfo(b: Uint8Array): ImagePageInfo | null {
  if (b.length < 24 || u32(b, 12) !== 0x49484452) return null; // IHDR
  const width = u32(b, 16);
  const height = u32(b, 20);
  let dpi: number | null = null;
  for (let i = 8; i + 8 <= b.length;) {
    const len = u32(b, i);
    const type = u32(b, i + 4);
    if (type === 0x49444154) break; // IDAT: pHYs must come before it
    if (type === 0x70485973 && len >= 9 && i + 17 <= b.length && b[i + 16] === 1) {
      dpi = plausibleDpi(u32(b, i + 8) * 0.0254);
    }
    i += 12 + len;
  }
  return { width, height, dpi };
}

/** SOFn frame size and JFIF density. */
export function jpegInfo(b: Uint8Array): ImagePageInfo | null {
  let dpi: number | null = null;
  for (let i = 2; i + 4 <= b.length;) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    const len = u16(b, i + 2);
    // APP0 "JFIF\0": units (1 = dpi, 2 = dots per cm), x density.
    if (marker === 0xe0 && len >= 14 && b[i + 4] === 0x4a && b[i + 5] === 0x46 && b[i + 6] === 0x49) {
      const units = b[i + 11];
      const x = u16(b, i + 12);
      if (units === 1) dpi = plausibleDpi(x);
      else if (units === 2) dpi = plausibleDpi(x * 2.54);
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 9 > b.length) return null;
      return { height: u16(b, i + 5), width: u16(b, i + 7), dpi };
    }
    i += 2 + len;
  }
  return null;
}

type Ifd = Record<string, unknown> & { width?: number; height?: number; data?: Uint8Array };

function tiffPages(bytes: Uint8Array): ImagePage[] {
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let ifds: Ifd[];
  try {
    ifds = UTIF.decode(buf) as unknown as Ifd[];
  } catch (err) {
    throw new ElegansError('image_corrupt', `the TIFF file cannot be read: ${String(err)}`);
  }
  // utif2 gives a tag's values as an array; a RATIONAL value is itself a [numerator, denominator] pair.
  const num = (ifd: Ifd, tag: string): number | undefined => {
    const v = (ifd[tag] as ArrayLike<unknown> | undefined)?.[0];
    if (typeof v === 'number') return v;
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'number' && v[1] !== 0) return v[0] / v[1];
    return undefined;
  };
  // Reduced-resolution copies (thumbnails, NewSubfileType bit 0) are not pages.
  const pages = ifds.filter((ifd) => ((num(ifd, 't254') ?? 0) & 1) === 0);
  return pages.map((ifd) => {
    const xres = num(ifd, 't282');
    const unit = num(ifd, 't296') ?? 2;
    const dpi = xres === undefined || unit === 1 ? null : plausibleDpi(unit === 3 ? xres * 2.54 : xres);
    return {
      width: num(ifd, 't256') ?? 0,
      height: num(ifd, 't257') ?? 0,
      dpi,
      decode: async (scale) => {
        UTIF.decodeImage(buf, ifd as unknown as UTIF.IFD);
        const width = ifd.width ?? 0;
        const height = ifd.height ?? 0;
        const rgba = UTIF.toRGBA8(ifd as unknown as UTIF.IFD);
        // The decoded strips are the largest thing held per page; drop them at once.
        ifd.data = new Uint8Array(0);
        return scaled(onWhite(rgba), width, height, scale);
      },
    };
  });
}
