import * as chardet from 'chardet';
import * as iconv from 'iconv-lite';
import { sniffEncoding } from '../detect';
import type { FormatResult } from './types';

/**
 * Plain text: BOM (UTF-8, UTF-16 LE/BE) first, then strict UTF-8, then chardet's guess when
 * iconv-lite knows it, and Latin-1 (as windows-1252) as the fallback that never fails.
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: string } {
  const sniffed = sniffEncoding(bytes);
  if (sniffed) {
    const body = bytes.subarray(sniffed.bom);
    return {
      text: iconv.decode(Buffer.from(body.buffer, body.byteOffset, body.byteLength), sniffed.encoding),
      encoding: sniffed.encoding,
    };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    // not UTF-8: fall through to detection
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const guess = chardet.detect(buf.subarray(0, 64 * 1024));
  const encoding =
    guess && !/^utf-?8$/i.test(guess) && iconv.encodingExists(guess) ? guess.toLowerCase() : 'windows-1252';
  return { text: iconv.decode(buf, encoding), encoding };
}

/** Raw text keeps its characters (CRLF normalised to LF); a form feed starts a new page. */
export function parseText(bytes: Uint8Array): FormatResult {
  const { text: raw, encoding } = decodeText(bytes);
  const text = raw.replace(/\r\n?/g, '\n').replace(/\u0000/g, '');
  const pages = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text[i] === '\f') {
      pages.push({ number: pages.length + 1, start, end: i });
      start = i + 1;
    }
  }
  return { text, pages, headings: [], softLineBreaks: true, title: null, flags: [], encoding };
}
