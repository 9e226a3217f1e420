import { type Canvas, createCanvas } from '@napi-rs/canvas';

/** The slice of a pdf.js page used for rendering. */
export interface RenderablePage {
  getViewport(opts: { scale: number }): { width: number; height: number };
  render(params: Record<string, unknown>): { promise: Promise<void> };
}

/** Pixel cap per rendered page (a poster-sized page is scaled down to it): ~ A4 at 400 dpi. */
export const MAX_RENDER_PIXELS = 16_000_000;

/** A page rendered on white: the canvas (for PNG/JPEG encoding), its RGBA pixels and the effective dpi. */
export interface RenderedCanvas {
  canvas: Canvas;
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
  dpi: number;
}

/**
 * Renders a page with pdf.js onto an @napi-rs/canvas (Skia) canvas, on white, at `dpi` (lower for
 * pages past MAX_RENDER_PIXELS). OCR and the scanned-page test fixtures both render through here.
 */
export async function renderPage(page: RenderablePage, dpi: number): Promise<RenderedCanvas> {
  const base = page.getViewport({ scale: 1 });
  let scale = dpi / 72;
  const pixels = base.width * base.height * scale * scale;
  if (pixels > MAX_RENDER_PIXELS) scale *= Math.sqrt(MAX_RENDER_PIXELS / pixels);
  const viewport = page.getViewport({ scale });
  const width = Math.max(1, Math.ceil(viewport.width));
  const height = Math.max(1, Math.ceil(viewport.height));
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  await page.render({ canvasContext: ctx, viewport, canvas }).promise;
  return { canvas, rgba: ctx.getImageData(0, 0, width, height).data, width, height, dpi: scale * 72 };
}

/**
 * A page as an 8-bit grayscale PGM for Tesseract: Leptonica reads PNM without decoding work, and
 * grayscale is what Tesseract binarizes anyway. Returns the effective dpi (lower for oversized pages).
 */
export async function renderPageGray(
  page: RenderablePage,
  dpi: number,
): Promise<{ pgm: Uint8Array; width: number; height: number; dpi: number }> {
  const r = await renderPage(page, dpi);
  return { pgm: toPgm(r.rgba, r.width, r.height), width: r.width, height: r.height, dpi: r.dpi };
}

/** Rec. 601 luma of RGBA pixels, one byte each, in fixed point. */
export function toGray(
  rgba: Uint8ClampedArray | Uint8Array,
  width: number,
  height: number,
  out?: Uint8Array,
): Uint8Array {
  const n = width * height;
  const gray = out ?? new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = i * 4;
    gray[i] = (rgba[p]! * 77 + rgba[p + 1]! * 150 + rgba[p + 2]! * 29) >> 8;
  }
  return gray;
}

export function toPgm(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number): Uint8Array {
  const head = Buffer.from(`P5\n${width} ${height}\n255\n`, 'ascii');
  const out = new Uint8Array(head.length + width * height);
  out.set(head, 0);
  toGray(rgba, width, height, out.subarray(head.length));
  return out;
}
