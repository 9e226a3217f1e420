/**
 * How much of a PDF page is covered by one image: a scan is a page-sized image, usually with no
 * text layer, sometimes with a stamp (a Bates number, "Scanned by …") or a few invisible
 * characters (render mode 3) a scanner left behind. Such a text layer is not the page's text, and
 * the page is OCR'd like a page without one (see PageOcr.wants).
 *
 * Walks the page's operator list (pdf.js OPS codes, passed in because pdf.js is ESM-only), keeping
 * the current transformation matrix through save/restore, transforms and form XObjects, and maps
 * each image's unit square through it.
 */
export interface OperatorListPage {
  view: number[];
  getOperatorList(opts?: { intent?: string }): Promise<{ fnArray: number[]; argsArray: unknown[] }>;
}

/** The pdf.js OPS codes used here. */
export interface PdfOps {
  save: number;
  restore: number;
  transform: number;
  paintFormXObjectBegin: number;
  paintFormXObjectEnd: number;
  paintImageXObject: number;
  paintInlineImageXObject: number;
  paintImageMaskXObject: number;
}

type Matrix = [number, number, number, number, number, number];

/** m × n (PDF order: first m, then n). */
function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[1] * n[2],
    m[0] * n[1] + m[1] * n[3],
    m[2] * n[0] + m[3] * n[2],
    m[2] * n[1] + m[3] * n[3],
    m[4] * n[0] + m[5] * n[2] + n[4],
    m[4] * n[1] + m[5] * n[3] + n[5],
  ];
}

function asMatrix(x: unknown): Matrix | null {
  if (!Array.isArray(x) && !ArrayBuffer.isView(x)) return null;
  const a = Array.from(x as ArrayLike<number>);
  return a.length >= 6 && a.slice(0, 6).every((v) => Number.isFinite(v)) ? (a.slice(0, 6) as Matrix) : null;
}

/** The largest share (0..1) of the page's area that a single image covers. */
export async function largestImageCover(page: OperatorListPage, ops: PdfOps): Promise<number> {
  const { fnArray, argsArray } = await page.getOperatorList({ intent: 'display' });
  const [vx0 = 0, vy0 = 0, vx1 = 612, vy1 = 792] = page.view;
  const px0 = Math.min(vx0, vx1);
  const px1 = Math.max(vx0, vx1);
  const py0 = Math.min(vy0, vy1);
  const py1 = Math.max(vy0, vy1);
  const pageArea = (px1 - px0) * (py1 - py0);
  if (!(pageArea > 0)) return 0;
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const stack: Matrix[] = [];
  let best = 0;
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i];
    const args = argsArray[i] as unknown[] | null;
    if (fn === ops.save) stack.push(ctm);
    else if (fn === ops.restore) ctm = stack.pop() ?? ctm;
    else if (fn === ops.transform) {
      const m = asMatrix(args);
      if (m) ctm = multiply(m, ctm);
    } else if (fn === ops.paintFormXObjectBegin) {
      stack.push(ctm);
      const m = asMatrix(args?.[0]);
      if (m) ctm = multiply(m, ctm);
    } else if (fn === ops.paintFormXObjectEnd) ctm = stack.pop() ?? ctm;
    else if (fn === ops.paintImageXObject || fn === ops.paintInlineImageXObject || fn === ops.paintImageMaskXObject) {
      const xs = [ctm[4], ctm[0] + ctm[4], ctm[2] + ctm[4], ctm[0] + ctm[2] + ctm[4]];
      const ys = [ctm[5], ctm[1] + ctm[5], ctm[3] + ctm[5], ctm[1] + ctm[3] + ctm[5]];
      const w = Math.min(px1, Math.max(...xs)) - Math.max(px0, Math.min(...xs));
      const h = Math.min(py1, Math.max(...ys)) - Math.max(py0, Math.min(...ys));
      if (w > 0 && h > 0) best = Math.max(best, (w * h) / pageArea);
    }
  }
  return best;
}
