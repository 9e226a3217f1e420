import { describe, expect, it } from 'vitest';
import { makeDocx, makePdf, makeZip, utf16 } from './testing';
import { detectFormat } from './detect';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('detectFormat', () => {
  it('finds %PDF at the start and after leading junk within the first KiB', async () => {
    const pdf = await makePdf({ pages: [['hello']] });
    expect(detectFormat(pdf)).toBe('pdf');
    const junk = new Uint8Array(500).fill(0x41);
    expect(detectFormat(new Uint8Array([...junk, ...pdf]))).toBe('pdf');
    const tooFar = new Uint8Array(2000).fill(0x41);
    expect(detectFormat(new Uint8Array([...tooFar, ...pdf.subarray(0, 100)]))).toBe('text');
  });

  it('tells a docx zip from any other zip', () => {
    expect(detectFormat(makeDocx(['Hello']))).toBe('docx');
    expect(detectFormat(makeZip([{ name: 'a.txt', data: 'hi' }]))).toBeNull();
    expect(
      detectFormat(
        makeZip([
          { name: '[Content_Types].xml', data: '<Types/>' },
          { name: 'xl/workbook.xml', data: '<x/>' },
        ]),
      ),
    ).toBeNull();
    // A head cut before the central directory still shows the word/ local header.
    const docx = makeDocx(['Hello world']);
    expect(detectFormat(docx.subarray(0, docx.length - 200))).toBe('docx');
  });

  it('recognises HTML after a BOM, whitespace, an XML declaration or comments', () => {
    expect(detectFormat(enc('<!DOCTYPE html><html><body>x</body></html>'))).toBe('html');
    expect(detectFormat(enc('\uFEFF  \n<html lang="en"><p>x</p></html>'))).toBe('html');
    expect(detectFormat(enc('<?xml version="1.0"?>\n<!-- gen --><html>x</html>'))).toBe('html');
    expect(detectFormat(enc('<body>hi</body>'))).toBe('html');
    expect(detectFormat(enc('Use <html> tags like this.'))).toBe('text');
  });

  it('separates Markdown from plain text', () => {
    expect(detectFormat(enc('# Title\n\nSome text.'))).toBe('markdown');
    expect(detectFormat(enc('Intro line\n\n- item\n- item\n\nSee [docs](http://x.y/z).'))).toBe('markdown');
    expect(detectFormat(enc('Just a plain sentence. And another one.\nThird line.'))).toBe('text');
  });

  it('accepts UTF-16 and Latin-1 text, rejects binary data', () => {
    expect(detectFormat(utf16('Hello there, plain text.'))).toBe('text');
    expect(detectFormat(utf16('# Heading\n\ntext', { bigEndian: true }))).toBe('markdown');
    expect(detectFormat(new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0x6e, 0x6f, 0xeb, 0x6c]))).toBe('text');
    expect(detectFormat(new Uint8Array([0x00, 0x01, 0x02, 0x03, 0x68, 0x69]))).toBeNull();
    expect(detectFormat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBeNull();
    expect(detectFormat(new Uint8Array(Array.from({ length: 400 }, (_, i) => (i * 37) % 32)))).toBeNull();
    expect(detectFormat(new Uint8Array(0))).toBeNull();
  });
});
