import { ElegansError } from '@elegans/common';
import { centralDirectory } from '../zip';
import type { FormatResult } from './types';
import { parseHtml } from './html';

/** Inflated size allowed per input byte before a DOCX is treated as a zip bomb. */
const MAX_EXPANSION = 100;

/**
 * DOCX through mammoth, which maps Word heading styles to h1–h6; its HTML then goes through the
 * same path as any HTML document. The central directory is checked first: a zip that declares far
 * more inflated bytes than the limits allow is refused before anything is inflated.
 */
export async function parseDocx(bytes: Uint8Array, maxBytes: number): Promise<FormatResult> {
  const entries = centralDirectory(bytes);
  if (!entries) throw new ElegansError('docx_corrupt', 'DOCX zip directory is missing or truncated');
  if (!entries.some((e) => e.name === 'word/document.xml')) {
    throw new ElegansError('docx_corrupt', 'DOCX has no word/document.xml');
  }
  const inflated = entries.reduce((n, e) => n + e.uncompressedSize, 0);
  if (inflated > Math.max(maxBytes, bytes.length * MAX_EXPANSION)) {
    throw new ElegansError('too_large', `DOCX inflates to ${inflated} bytes`);
  }
  const mammoth = await import('mammoth');
  let html: string;
  try {
    const result = await mammoth.convertToHtml({
      buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    });
    html = result.value;
  } catch (err) {
    throw new ElegansError('docx_corrupt', `DOCX could not be read: ${(err as Error).message}`);
  }
  const parsed = await parseHtml(html);
  return { ...parsed, title: parsed.headings[0]?.title ?? null };
}
