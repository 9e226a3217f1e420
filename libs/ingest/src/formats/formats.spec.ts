import { describe, expect, it } from 'vitest';
import { isElegansError } from '@elegans/common';
import { parseDocument } from '../parse';
import { makeDocx, makeZip, utf16 } from '../testing';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return isElegansError(err) ? err.code : `unexpected: ${String(err)}`;
  }
}

describe('DOCX', () => {
  it('turns heading styles into sections and paragraphs into blocks', async () => {
    const doc = await parseDocument(
      makeDocx([
        { text: 'Report Title', heading: 1 },
        'The opening paragraph explains the aim.',
        { text: 'Background', heading: 2 },
        'Prior work used transformers. It was costly.',
      ]),
    );
    expect(doc.meta.format).toBe('docx');
    expect(doc.text).toBe(
      'Report Title\nThe opening paragraph explains the aim.\nBackground\nPrior work used transformers. It was costly.',
    );
    expect(doc.sections.map((s) => [s.title, s.level])).toEqual([
      ['Report Title', 1],
      ['Background', 2],
    ]);
    expect(doc.sections[0]!.end).toBe(doc.text.length);
    expect(doc.sections[1]!.end).toBe(doc.text.length);
    const costly = doc.sentences.find((s) => s.text === 'It was costly.')!;
    expect(costly.section).toBe(1);
    expect(doc.meta.title).toBe('Report Title');
  });

  it('fails a broken DOCX with docx_corrupt and a zip bomb with too_large', async () => {
    const docx = makeDocx(['Hello']);
    expect(await codeOf(parseDocument(docx.subarray(0, docx.length - 30), { format: 'docx' }))).toBe('docx_corrupt');
    const bomb = makeZip([
      { name: 'word/document.xml', data: '<w:document/>' },
      { name: 'word/big.bin', data: new Uint8Array(2_000_000) },
    ]);
    expect(await codeOf(parseDocument(bomb, { limits: { maxBytes: 1000 } }))).toBe('too_large');
  });
});

describe('HTML', () => {
  it('drops scripts and styles, keeps headings as sections and table rows as blocks', async () => {
    const html = `<!doctype html><html><head><title>Page T</title><style>p{color:red}</style>
      <script>var secret = "do not index";</script></head><body>
      <h1>Main &amp; Only</h1><p>First para with <b>bold</b> text.</p>
      <div>Second<br>line</div><h2>Table</h2>
      <table><tr><th>Name</th><th>Score</th></tr><tr><td>A</td><td>1.5</td></tr></table>
      <noscript>enable js</noscript></body></html>`;
    const doc = await parseDocument(enc(html));
    expect(doc.meta.format).toBe('html');
    expect(doc.text).not.toContain('secret');
    expect(doc.text).not.toContain('color');
    expect(doc.text).not.toContain('enable js');
    expect(doc.text).toBe('Main & Only\nFirst para with bold text.\nSecond\nline\nTable\nName | Score\nA | 1.5');
    expect(doc.sections.map((s) => s.title)).toEqual(['Main & Only', 'Table']);
    expect(doc.meta.title).toBe('Page T');
  });
});

describe('Markdown', () => {
  it('keeps heading hierarchy and visible text only', async () => {
    const md =
      '# Guide\n\nIntro with a [link](http://example.com) and `code`.\nSoft wrapped line.\n\n## Install\n\n1. Download it.\n2. Run it.\n\n```\nnpm ci\n```\n';
    const doc = await parseDocument(enc(md));
    expect(doc.meta.format).toBe('markdown');
    expect(doc.text).toBe(
      'Guide\nIntro with a link and code. Soft wrapped line.\nInstall\nDownload it.\nRun it.\nnpm ci',
    );
    expect(doc.sections.map((s) => [s.title, s.level])).toEqual([
      ['Guide', 1],
      ['Install', 2],
    ]);
    expect(doc.sentences.map((s) => s.text)).toContain('Download it.');
  });

  it('uses the file name only to choose between Markdown and text', async () => {
    const doc = await parseDocument(enc('Title\n=====\n\nBody.'), { filename: 'notes.md' });
    expect(doc.meta.format).toBe('markdown');
    expect(doc.sections[0]?.title).toBe('Title');
    const pdfLike = await parseDocument(enc('# not markdown'), { filename: 'x.txt' });
    expect(pdfLike.meta.format).toBe('text');
  });
});

describe('plain text', () => {
  it('decodes UTF-16 with a BOM (both byte orders)', async () => {
    const s = 'Grüße aus Köln. Ça va très bien.';
    for (const bigEndian of [false, true]) {
      const doc = await parseDocument(utf16(s, { bigEndian }));
      expect(doc.text).toBe(s);
      expect(doc.meta.encoding).toBe(bigEndian ? 'utf-16be' : 'utf-16le');
    }
  });

  it('falls back to a Latin-1 family encoding for non-UTF-8 bytes', async () => {
    const bytes = new Uint8Array(Buffer.from('Le caf\xe9 est tr\xe8s bon. Il co\xfbte peu.', 'latin1'));
    const doc = await parseDocument(bytes);
    expect(doc.text).toBe('Le café est très bon. Il coûte peu.');
    expect(doc.meta.encoding).not.toBe('utf-8');
  });

  it('treats single newlines as soft, blank lines and list items as breaks, form feeds as pages', async () => {
    const text =
      'This sentence wraps\nacross two lines. Next one.\n\nNew paragraph\n- item one\n- item two\fPage two text.';
    const doc = await parseDocument(enc(text));
    expect(doc.sentences.map((s) => s.text)).toEqual([
      'This sentence wraps\nacross two lines.',
      'Next one.',
      'New paragraph',
      '- item one',
      '- item two',
      'Page two text.',
    ]);
    expect(doc.pages).toHaveLength(2);
    expect(doc.sentences.at(-1)!.page).toBe(2);
  });

  it('rejects empty and whitespace-only documents', async () => {
    expect(await codeOf(parseDocument(new Uint8Array(0)))).toBe('empty_document');
    expect(await codeOf(parseDocument(enc('   \n\n  ')))).toBe('empty_document');
    expect(await codeOf(parseDocument(enc('<html><body><script>x()</script></body></html>')))).toBe('empty_document');
  });
});
