import { createCanvas } from '@napi-rs/canvas';

/** The slice of a pdf.js page used for rendering. */
export interface RenderablePage {
  getViewport(opts: { scale: number }): { width: number; height: number };
  render(params: Record<string, unknown>): { promise: Promise<void> };
}

/** Pixel cap per rendered page (a poster-sized page is scaled down to it): ~ A4 at 400 dpi. */
export const MAX_RENDER_PIXELS = 16_000_000;

/**
 * Renders a page with pdf.js onto an @napi-rs/canvas (Skia) canvas, on white, and returns it as an
 * 8-bit grayscale PGM: Leptonica reads PNM without decoding work, and grayscale is what Tesseract
 * binarizes anyway. Returns the effective dpi (lower than asked for oversized pages).
 */
export async function renderPageGray(
  page: RenderablePage,
  dpi: number,
): Promise<{ pgm: Uint8Array; width: number; height: number; dpi: number }> {
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
  const rgba = ctx.getImageData(0, 0, width, height).data;
  return { pgm: toPgm(rgba, width, height), width, height, dpi: scale * 72 };
}

export function toPgm(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number): Uint8Array {
  const head = Buffer.from(`P5\n${width} ${height}\n255\n`, 'ascii');
  const out = new Uint8Array(head.length + width * height);
  out.set(head, 0);
  for (let i = 0, o = head.length, n = width * height; i < n; i++, o++) {
    const p = i * 4;
    // Rec. 601 luma in fixed point.
    out[o] = (rgba[p]! * 77 + rgba[p + 1]! * 150 + rgba[p + 2]! * 29) >> 8;
  }
  return out;
}
