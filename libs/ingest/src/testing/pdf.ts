import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, PDFHexString, PDFName, PDFNumber, StandardFonts, type PDFRef } from 'pdf-lib';

/**
 * Generated PDF fixtures (pdf-lib, standard Helvetica, US Letter). Tests and other libraries'
 * integration tests build exactly the document they need instead of depending on real files.
 */
export interface PdfFixturePage {
  /** Single-column lines, top to bottom. */
  lines?: string[];
  /** Two columns (left lines, right lines), read left column first. */
  columns?: [string[], string[]];
  /** A full-width line above the columns, in a larger font. */
  heading?: string;
  /**
   * A table above the columns: each row's cells drawn at `x` (one x per cell), 9 pt, then the
   * caption (full width) and a gap of two lines before the columns.
   */
  table?: { rows: string[][]; x: number[]; caption?: string };
}

export interface OutlineEntry {
  title: string;
  /** 1-based page. */
  page: number;
  children?: OutlineEntry[];
}

export interface PdfFixtureOptions {
  /** One entry per page: an array of lines, or a page spec. An empty array makes a page with no text. */
  pages: Array<string[] | PdfFixturePage>;
  /** Running header drawn at the top of every page. */
  header?: string;
  /** Running footer at the bottom of every page; "{page}" becomes the page number. */
  footer?: string;
  /** A bare page number centred at the bottom of every page. */
  pageNumbers?: boolean;
  outline?: OutlineEntry[];
  title?: string;
  fontSize?: number;
  /** Body font (default Helvetica); Courier's fixed advance differs from the proportional estimate. */
  font?: 'helvetica' | 'courier' | 'times';
  /** Draw a filled rectangle on every page (so text-free pages still have content). */
  drawBox?: boolean;
  /** Filled-in AcroForm text fields (their values live in widget annotations, not page text). */
  fields?: { page: number; name: string; value: string }[];
}

export async function makePdf(opts: PdfFixtureOptions): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(
    opts.font === 'courier'
      ? StandardFonts.Courier
      : opts.font === 'times'
        ? StandardFonts.TimesRoman
        : StandardFonts.Helvetica,
  );
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const size = opts.fontSize ?? 11;
  const leading = size * 1.35;
  if (opts.title) doc.setTitle(opts.title);
  const pageRefs: PDFRef[] = [];
  opts.pages.forEach((spec, i) => {
    const page = doc.addPage([612, 792]);
    pageRefs.push(page.ref);
    const p: PdfFixturePage = Array.isArray(spec) ? { lines: spec } : spec;
    let y = 708;
    if (opts.header) page.drawText(opts.header, { x: 72, y: 760, size: 9, font });
    if (opts.footer) page.drawText(opts.footer.replace('{page}', String(i + 1)), { x: 72, y: 36, size: 9, font });
    if (opts.pageNumbers) page.drawText(String(i + 1), { x: 300, y: 50, size: 9, font });
    if (opts.drawBox) page.drawRectangle({ x: 100, y: 300, width: 200, height: 150 });
    if (p.heading) {
      page.drawText(p.heading, { x: 72, y, size: size * 1.6, font: bold });
      y -= leading * 2;
    }
    if (p.table) {
      for (const row of p.table.rows) {
        row.forEach((cell, k) => page.drawText(cell, { x: p.table!.x[k] ?? 72, y, size: 9, font }));
        y -= 9 * 1.3;
      }
      if (p.table.caption) {
        y -= 9;
        page.drawText(p.table.caption, { x: 72, y, size: 10, font });
      }
      y -= leading * 3;
    }
    for (const line of p.lines ?? []) {
      page.drawText(line, { x: 72, y, size, font });
      y -= leading;
    }
    if (p.columns) {
      const [left, right] = p.columns;
      left.forEach((line, k) => page.drawText(line, { x: 72, y: y - k * leading, size, font }));
      right.forEach((line, k) => page.drawText(line, { x: 322, y: y - k * leading, size, font }));
    }
  });
  if (opts.fields?.length) {
    const form = doc.getForm();
    opts.fields.forEach((f, i) => {
      const field = form.createTextField(f.name);
      field.setText(f.value);
      field.addToPage(doc.getPage(f.page - 1), { x: 72, y: 200 - i * 30, width: 300, height: 22, font });
    });
  }
  if (opts.outline?.length) addOutline(doc, pageRefs, opts.outline);
  return doc.save({ useObjectStreams: false });
}

function addOutline(doc: PDFDocument, pageRefs: PDFRef[], entries: OutlineEntry[]): void {
  const ctx = doc.context;
  const rootRef = ctx.nextRef();
  const build = (items: OutlineEntry[], parent: PDFRef): { first: PDFRef; last: PDFRef; count: number } => {
    const refs = items.map(() => ctx.nextRef());
    let count = 0;
    items.forEach((item, i) => {
      const dict = ctx.obj({});
      dict.set(PDFName.of('Title'), PDFHexString.fromText(item.title));
      dict.set(PDFName.of('Parent'), parent);
      dict.set(PDFName.of('Dest'), ctx.obj([pageRefs[item.page - 1]!, PDFName.of('Fit')]));
      if (i > 0) dict.set(PDFName.of('Prev'), refs[i - 1]!);
      if (i < items.length - 1) dict.set(PDFName.of('Next'), refs[i + 1]!);
      count++;
      if (item.children?.length) {
        const sub = build(item.children, refs[i]!);
        dict.set(PDFName.of('First'), sub.first);
        dict.set(PDFName.of('Last'), sub.last);
        dict.set(PDFName.of('Count'), PDFNumber.of(sub.count));
        count += sub.count;
      }
      ctx.assign(refs[i]!, dict);
    });
    return { first: refs[0]!, last: refs[refs.length - 1]!, count };
  };
  const top = build(entries, rootRef);
  const root = ctx.obj({});
  root.set(PDFName.of('Type'), PDFName.of('Outlines'));
  root.set(PDFName.of('First'), top.first);
  root.set(PDFName.of('Last'), top.last);
  root.set(PDFName.of('Count'), PDFNumber.of(top.count));
  ctx.assign(rootRef, root);
  doc.catalog.set(PDFName.of('Outlines'), rootRef);
}

export function hasQpdf(): boolean {
  return spawnSync('qpdf', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** AES-256 encryption with qpdf. An empty user password opens without a prompt. */
export function encryptPdf(bytes: Uint8Array, userPassword: string, ownerPassword = 'owner-secret'): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'elegans-pdf-'));
  try {
    const input = join(dir, 'in.pdf');
    const output = join(dir, 'out.pdf');
    writeFileSync(input, bytes);
    const r = spawnSync('qpdf', ['--encrypt', userPassword, ownerPassword, '256', '--', input, output], {
      encoding: 'utf8',
    });
    // qpdf exits 3 for warnings with a usable output.
    if (r.status !== 0 && r.status !== 3) throw new Error(`qpdf failed (${r.status}): ${r.stderr}`);
    return new Uint8Array(readFileSync(output));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
