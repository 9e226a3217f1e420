import { describe, expect, it } from 'vitest';
import { isElegansError } from '@elegans/common';
import { parseDocument } from '../parse';
import { encryptPdf, hasQpdf, makePdf } from '../testing';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return isElegansError(err) ? err.code : `unexpected: ${String(err)}`;
  }
}

const BODY = ['The first page talks about liquid networks.', 'They are continuous-time recurrent models.'];

describe('PDF parsing', () => {
  it('keeps pages apart with exact per-page offsets', async () => {
    const pdf = await makePdf({
      pages: [BODY, ['Second page has different words here.'], ['Third page closes the document.']],
    });
    const doc = await parseDocument(pdf);
    expect(doc.meta.format).toBe('pdf');
    expect(doc.pages.map((p) => p.number)).toEqual([1, 2, 3]);
    const pageTexts = doc.pages.map((p) => doc.text.slice(p.start, p.end));
    expect(pageTexts[0]).toContain('liquid networks');
    expect(pageTexts[1]).toBe('Second page has different words here.');
    expect(pageTexts[2]).toBe('Third page closes the document.');
    // Pages are joined by a blank line.
    expect(doc.text.slice(doc.pages[0]!.end, doc.pages[1]!.start)).toBe('\n\n');
    const s = doc.sentences.find((x) => x.text.startsWith('Second page'))!;
    expect(s.page).toBe(2);
    expect(doc.meta.pageCount).toBe(3);
    expect(doc.meta.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.meta.language).toBe('en');
  });

  it('reads a two-column page column by column, after a full-width heading', async () => {
    const left = [
      'Alpha one starts the left column',
      'alpha two continues the left',
      'alpha three ends',
      'alpha four',
      'alpha five left.',
    ];
    const right = [
      'Beta one starts the right column',
      'beta two continues the right',
      'beta three ends',
      'beta four',
      'beta five right.',
    ];
    const doc = await parseDocument(
      await makePdf({ pages: [{ heading: 'A Two Column Paper', columns: [left, right] }] }),
    );
    const t = doc.text;
    expect(t.indexOf('A Two Column Paper')).toBeLessThan(t.indexOf('Alpha one'));
    expect(t.indexOf('alpha five left.')).toBeLessThan(t.indexOf('Beta one'));
    // No line mixes both columns.
    expect(t).not.toMatch(/column Beta|Alpha one starts the left column Beta/);
    expect(t).toContain('Alpha one starts the left column alpha two continues the left');
  });

  it('reads two-column prose under a table whose column gaps are off the page centre (bohnet09 p5)', async () => {
    // A three-column feature table with cells wide enough to cross the page centre: its gaps
    // (near x 210 and 410), not the prose gutter (near 310), are the page-wide minimum of crossings.
    const cells = [
      ['arg, sub-cat, a-pos, p-pos', 'arg, p-lemma - 1, a-pos, path-len', 'arg, p-rel, a-pos'],
      ['arg, p-pos, a-pos, a-rmc-pos', 'arg, p-lemma + 1, a-lemma, dir', 'arg, a-pos, p-pos'],
      ['arg, p-pos, a-pos, a-lmc', 'arg, p-lemma - 1, a-lemma, path', 'arg, path-rel'],
      ['arg, p-pos, a-pos, a-lemma', 'arg, p-lemma - 2, a-lemma, path', 'arg, p-lemma'],
      ['arg, sub-cat, a-lemma, dir', 'arg, p-lemma, a-lemma, pathPos', 'arg, a-rel'],
      ['arg, a-pos, a-lemma + 1', 'arg, p-lemma, p-lemma + 1, dir', 'arg, a-pos'],
      ['arg, a-pos, a-lemma + 2', 'arg, p-lemma, p-lemma - 1, a-pos', 'arg, p-pos'],
      ['arg, a-pos, a-lemma-lmc', 'arg, p-lemma, a-lms-lemma, a-pos', 'arg, path-len'],
    ];
    // More table rows cross the prose gutter than there are prose lines, as on the real page.
    cells.push(...cells.slice(0, 6).map((row) => row.map((c) => c.replace('arg', 'pred'))));
    const left = Array.from({ length: 9 }, (_, i) => `left column prose line number ${i + 1} here`);
    const right = Array.from({ length: 9 }, (_, i) => `right column prose line number ${i + 1} too`);
    const doc = await parseDocument(
      await makePdf({
        pages: [
          {
            table: {
              rows: cells,
              x: [78, 217, 415],
              caption: 'Table 5: Argument identification and semantic role labeling features of the pipeline.',
            },
            columns: [left, right],
          },
        ],
      }),
    );
    // The paragraph runs down the left column and on into the right one (it does not end a sentence).
    expect(doc.text).toContain([...left, ...right].join(' '));
  });

  it('continues a paragraph from the left column into the right one', async () => {
    const left = [
      'The first column holds a long text',
      'that goes on and on for a while',
      'about liquid networks of many kinds',
      'and about recurrent cells too,',
      'whose hidden state is contin-',
    ];
    const right = [
      'uous in time and which all',
      'end here in the right column.',
      'A new sentence starts up here.',
      'More text follows it right here.',
      'And a final line closes it.',
    ];
    const doc = await parseDocument(await makePdf({ pages: [{ heading: 'Title', columns: [left, right] }] }));
    expect(doc.sentences.map((s) => s.text)).toContain(
      'The first column holds a long text that goes on and on for a while about liquid networks of many kinds and about recurrent cells too, whose hidden state is continuous in time and which all end here in the right column.',
    );
  });

  it('drops running headers, footers and page numbers, but keeps body text', async () => {
    const bodies = [
      'Liquid networks adapt.',
      'Recurrent cells carry state.',
      'Sentences become time steps.',
      'Retrieval needs exact offsets.',
    ];
    const pages = bodies.map((b) => [b]);
    const doc = await parseDocument(
      await makePdf({
        pages,
        header: 'Journal of Liquid Networks, Vol. 3',
        footer: 'Page {page} of 4',
        pageNumbers: true,
      }),
    );
    expect(doc.text).not.toContain('Journal of Liquid Networks');
    expect(doc.text).not.toMatch(/Page \d of 4/);
    expect(doc.text).not.toMatch(/^\d$/m);
    expect(doc.pages.map((p) => doc.text.slice(p.start, p.end))).toEqual(bodies);
  });

  it('keeps body lines that start high on every page, even when they repeat but for a number', async () => {
    const pages = Array.from({ length: 4 }, (_, p) =>
      Array.from({ length: 5 }, (_, l) => `Entry ${p * 5 + l + 1}: the same template sentence on every page.`),
    );
    const doc = await parseDocument(await makePdf({ pages, header: 'Running head', pageNumbers: true }));
    for (let n = 1; n <= 20; n++) expect(doc.text).toContain(`Entry ${n}: the same template sentence on every page.`);
    expect(doc.text).not.toContain('Running head');
  });

  it('keeps a header that appears on a single page only', async () => {
    const doc = await parseDocument(await makePdf({ pages: [['Intro body.'], ['Second body.']], header: undefined }));
    expect(doc.text).toContain('Intro body.');
    const withTitle = await parseDocument(
      await makePdf({
        pages: [{ lines: ['Unique first-page banner line', 'Body one.'] }, ['Body two.'], ['Body three.']],
      }),
    );
    expect(withTitle.text).toContain('Unique first-page banner line');
  });

  it('joins words hyphenated at line ends and keeps real hyphens', async () => {
    const doc = await parseDocument(
      await makePdf({
        pages: [
          [
            'The network learns continu-',
            'ous dynamics from a well-known',
            'data set with state-',
            'of-the-art results.',
          ],
        ],
      }),
    );
    expect(doc.text).toContain('continuous dynamics');
    expect(doc.text).toContain('well-known');
    expect(doc.text).not.toContain('continu-');
  });

  it('takes section titles from the outline, at the title on its page', async () => {
    const pdf = await makePdf({
      pages: [
        ['Introduction', 'Intro text here.'],
        ['Methods', 'We did things.'],
        ['Results', 'It worked.'],
      ],
      outline: [
        { title: 'Introduction', page: 1 },
        { title: 'Methods', page: 2, children: [{ title: 'Results', page: 3 }] },
      ],
    });
    const doc = await parseDocument(pdf);
    expect(doc.sections.map((s) => [s.title, s.level, s.page])).toEqual([
      ['Introduction', 1, 1],
      ['Methods', 1, 2],
      ['Results', 2, 3],
    ]);
    for (const s of doc.sections) expect(doc.text.slice(s.start, s.start + s.title.length)).toBe(s.title);
    expect(doc.sections[1]!.end).toBe(doc.text.length);
    const worked = doc.sentences.find((s) => s.text === 'It worked.')!;
    expect(doc.sections[worked.section]!.title).toBe('Results');
  });

  it('reads filled-in form fields, which are not part of the page text', async () => {
    const doc = await parseDocument(
      await makePdf({ pages: [['Application form']], fields: [{ page: 1, name: 'applicant', value: 'Ada Lovelace' }] }),
    );
    expect(doc.text).toContain('Application form');
    expect(doc.text).toContain('Ada Lovelace');
  });

  it('flags a PDF without a text layer and still returns its pages', async () => {
    const doc = await parseDocument(await makePdf({ pages: [[], []], drawBox: true }));
    expect(doc.flags).toContain('no_text_layer');
    expect(doc.text).toBe('');
    expect(doc.pages).toHaveLength(2);
    expect(doc.sentences).toHaveLength(0);
  });

  it('fails truncated and garbage PDFs with pdf_corrupt', async () => {
    const pdf = await makePdf({ pages: [BODY] });
    expect(await codeOf(parseDocument(pdf.subarray(0, 40), { format: 'pdf' }))).toBe('pdf_corrupt');
    const garbage = new Uint8Array(4096).map((_, i) => (i * 7919) % 251);
    garbage.set(new TextEncoder().encode('%PDF-1.7\n'), 0);
    expect(await codeOf(parseDocument(garbage))).toBe('pdf_corrupt');
    // Garbage without a signature is not a PDF at all.
    expect(await codeOf(parseDocument(new Uint8Array(256).fill(1)))).toBe('unsupported_format');
  });

  it('recovers what pdf.js can from a PDF whose tail (xref, trailer) is cut off', async () => {
    const pdf = await makePdf({ pages: [BODY, ['Second page text.']] });
    const tail = new TextDecoder('latin1').decode(pdf).lastIndexOf('xref');
    const doc = await parseDocument(pdf.subarray(0, tail));
    expect(doc.text).toContain('liquid networks');
    expect(doc.text).toContain('Second page text.');
  });

  it('enforces the page and byte limits', async () => {
    const pdf = await makePdf({ pages: [['a.'], ['b.'], ['c.']] });
    expect(await codeOf(parseDocument(pdf, { limits: { maxPages: 2 } }))).toBe('too_many_pages');
    expect(await codeOf(parseDocument(pdf, { limits: { maxBytes: 100 } }))).toBe('too_large');
  });

  it.runIf(hasQpdf())('opens an encrypted PDF with an empty user password', async () => {
    const enc = encryptPdf(await makePdf({ pages: [BODY] }), '');
    const doc = await parseDocument(enc);
    expect(doc.flags).toContain('encrypted');
    expect(doc.text).toContain('liquid networks');
  });

  it.runIf(hasQpdf())('fails with pdf_password_required when a user password is set', async () => {
    const enc = encryptPdf(await makePdf({ pages: [BODY] }), 'user-secret');
    expect(await codeOf(parseDocument(enc))).toBe('pdf_password_required');
  });
});
