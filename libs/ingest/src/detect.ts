import type { DocumentFormat, ImageFormat } from './types';
import { centralDirectory, isZip, localEntryNames } from './zip';

/**
 * Format detection from the first bytes of a file (pass at least the first 64 KiB; the whole
 * file is better for zips, whose central directory sits at the end). Never trusts the file name
 * or the declared content type. Returns null for anything we cannot parse (the API answers 415).
 */
export const DETECT_HEAD_BYTES = 64 * 1024;

export function detectFormat(head: Uint8Array): DocumentFormat | null {
  if (head.length === 0) return null;
  if (isPdf(head)) return 'pdf';
  const image = imageFormat(head);
  if (image) return image;
  if (isZip(head)) return isDocxZip(head) ? 'docx' : null;
  if (hasBinaryMagic(head)) return null;
  const text = decodeHeadForSniffing(head);
  if (text === null) return null;
  if (looksLikeHtml(text)) return 'html';
  return looksLikeMarkdown(text) ? 'markdown' : 'text';
}

/** `%PDF-` anywhere in the first KiB, as pdf.js and Acrobat allow leading junk. */
export function isPdf(head: Uint8Array): boolean {
  const n = Math.min(head.length, 1024) - 5;
  for (let i = 0; i <= n; i++) {
    if (
      head[i] === 0x25 &&
      head[i + 1] === 0x50 &&
      head[i + 2] === 0x44 &&
      head[i + 3] === 0x46 &&
      head[i + 4] === 0x2d
    ) {
      return true;
    }
  }
  return false;
}

function isDocxZip(buf: Uint8Array): boolean {
  const names = centralDirectory(buf)?.map((e) => e.name) ?? localEntryNames(buf);
  if (names.some((n) => n.startsWith('word/'))) return true;
  // A head cut off before the word/ entries: [Content_Types].xml alone is not enough to say docx
  // (xlsx and pptx share it), so look for the part name in the raw bytes of the content types.
  return names.includes('[Content_Types].xml') && indexOfAscii(buf, 'word/document') >= 0;
}

function indexOfAscii(buf: Uint8Array, needle: string): number {
  const first = needle.charCodeAt(0);
  outer: for (let i = 0; i + needle.length <= buf.length; i++) {
    if (buf[i] !== first) continue;
    for (let j = 1; j < needle.length; j++) if (buf[i + j] !== needle.charCodeAt(j)) continue outer;
    return i;
  }
  return -1;
}

/** PNG, JPEG and TIFF (little- and big-endian; BigTIFF is not read) by their magic bytes. */
export function imageFormat(head: Uint8Array): ImageFormat | null {
  const starts = (m: number[]): boolean => m.every((b, i) => head[i] === b);
  // A PNG signature must be followed by its IHDR chunk (the size), or it is not a PNG we can read.
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return head.length >= 24 &&
      starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])
      ? 'png'
      : null;
  if (starts([0xff, 0xd8, 0xff])) return 'jpeg';
  if (starts([0x49, 0x49, 0x2a, 0x00]) || starts([0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  return null;
}

const BINARY_MAGIC: number[][] = [
  [0x89, 0x50, 0x4e, 0x47], // PNG without a readable header
  [0x47, 0x49, 0x46, 0x38], // GIF
  [0x1f, 0x8b], // gzip
  [0x7f, 0x45, 0x4c, 0x46], // ELF
  [0xd0, 0xcf, 0x11, 0xe0], // OLE (legacy .doc/.xls)
  [0x42, 0x5a, 0x68], // bzip2
  [0x37, 0x7a, 0xbc, 0xaf], // 7z
  [0x52, 0x61, 0x72, 0x21], // rar
  [0x00, 0x61, 0x73, 0x6d], // wasm
  [0x4d, 0x5a], // PE
];

function hasBinaryMagic(head: Uint8Array): boolean {
  return BINARY_MAGIC.some((m) => m.every((b, i) => head[i] === b));
}

/** Text encodings we accept, by BOM or by shape. */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'latin1';

export function sniffEncoding(head: Uint8Array): { encoding: TextEncoding; bom: number } | null {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  // BOM-less UTF-16: NULs in every other byte of mostly-ASCII text.
  const n = Math.min(head.length, 4096) & ~1;
  if (n >= 4) {
    let evenNul = 0;
    let oddNul = 0;
    for (let i = 0; i < n; i += 2) {
      if (head[i] === 0) evenNul++;
      if (head[i + 1] === 0) oddNul++;
    }
    const pairs = n / 2;
    if (oddNul > pairs * 0.4 && evenNul < pairs * 0.05) return { encoding: 'utf-16le', bom: 0 };
    if (evenNul > pairs * 0.4 && oddNul < pairs * 0.05) return { encoding: 'utf-16be', bom: 0 };
  }
  return null;
}

/**
 * Decode the head as text for sniffing, or null when it looks binary (NULs or many control
 * characters). A multi-byte sequence cut at the end of the head is tolerated.
 */
function decodeHeadForSniffing(head: Uint8Array): string | null {
  const sniffed = sniffEncoding(head);
  let text: string;
  if (sniffed && sniffed.encoding !== 'utf-8') {
    text = new TextDecoder(sniffed.encoding).decode(head.subarray(sniffed.bom));
  } else {
    const body = head.subarray(sniffed?.bom ?? 0);
    if (body.includes(0)) return null;
    text = new TextDecoder('utf-8').decode(body); // invalid UTF-8 becomes U+FFFD; Latin-1 is fine here
  }
  const sample = text.slice(0, 8192);
  if (sample.length === 0) return null;
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0) return null;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x1b) control++;
  }
  if (control > sample.length * 0.05) return null;
  return sample;
}

function looksLikeHtml(text: string): boolean {
  let s = text.replace(/^\uFEFF/, '').trimStart();
  if (/^<\?xml[^>]*\?>/i.test(s)) s = s.replace(/^<\?xml[^>]*\?>/i, '').trimStart();
  // Leading comments are common in generated pages.
  while (s.startsWith('<!--')) {
    const end = s.indexOf('-->');
    if (end < 0) return false;
    s = s.slice(end + 3).trimStart();
  }
  return /^<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])/i.test(s);
}

/** Markdown signals; two distinct kinds (or a leading ATX heading) make it markdown. */
function looksLikeMarkdown(text: string): boolean {
  const lines = text.split(/\r?\n/).slice(0, 400);
  const first = lines.find((l) => l.trim() !== '') ?? '';
  if (/^#{1,6}\s+\S/.test(first)) return true;
  const signals = new Set<string>();
  for (const line of lines) {
    if (/^#{1,6}\s+\S/.test(line)) signals.add('heading');
    else if (/^(```|~~~)/.test(line)) signals.add('fence');
    else if (/^\s*\|?\s*:?-{3,}:?\s*\|/.test(line)) signals.add('table');
    else if (/^\s{0,3}[-*+]\s+\S/.test(line)) signals.add('list');
    else if (/^\s{0,3}>\s/.test(line)) signals.add('quote');
    else if (/^(=+|-+)\s*$/.test(line) && line.length >= 3) signals.add('setext');
    if (/\[[^\]]+\]\([^)\s]+\)/.test(line)) signals.add('link');
    if (/(\*\*|__)\S[^*_]*\S\1/.test(line) || /`[^`]+`/.test(line)) signals.add('inline');
  }
  return signals.size >= 2 || (signals.has('heading') && signals.size >= 1);
}
