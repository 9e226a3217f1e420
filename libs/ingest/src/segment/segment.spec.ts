import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TextBuilder } from '../builder';
import { parseDocument } from '../parse';
import type { ParsedDocument } from '../types';
import { MAX_SENTENCE_CHARS, segment } from './segment';
import { splitSentences } from './sentences';

const split = (t: string, soft = false): string[] =>
  splitSentences(t, { softLineBreaks: soft, maxChars: MAX_SENTENCE_CHARS }).map((r) => t.slice(r.start, r.end));

describe('sentence rules', () => {
  it('does not split after abbreviations, initials, decimals, et al. or inside URLs', () => {
    expect(
      split('Dr. Smith et al. (2020) report 3.14 s per step, e.g. on x86. See Fig. 2 for details. It works.'),
    ).toEqual(['Dr. Smith et al. (2020) report 3.14 s per step, e.g. on x86.', 'See Fig. 2 for details.', 'It works.']);
    expect(split('J. R. R. Tolkien wrote it. Visit https://example.com/a.b?c=d. Then stop!')).toEqual([
      'J. R. R. Tolkien wrote it.',
      'Visit https://example.com/a.b?c=d.',
      'Then stop!',
    ]);
    expect(split('Is it? "Yes," he said. (This is quoted.) Next.')).toEqual([
      'Is it?',
      '"Yes," he said.',
      '(This is quoted.)',
      'Next.',
    ]);
    expect(split('It costs approx. five euros. Sales rose, etc. The end.')).toEqual([
      'It costs approx. five euros.',
      'Sales rose, etc.',
      'The end.',
    ]);
  });

  it('keeps list markers with their item and splits list lines', () => {
    expect(split('Steps:\n1. Mix the flour.\n2. Bake it. Then wait.')).toEqual([
      'Steps:',
      '1. Mix the flour.',
      '2. Bake it.',
      'Then wait.',
    ]);
    expect(split('Do this:\n- first thing\n- second thing', true)).toEqual([
      'Do this:',
      '- first thing',
      '- second thing',
    ]);
  });

  it('stays linear on a long block of non-boundaries (no quadratic rescans)', () => {
    const t = 'a. b. c. '.repeat(60_000).trim();
    const parts = split(t);
    expect(parts.join(' ').replace(/\s+/g, ' ')).toBe(t);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(MAX_SENTENCE_CHARS);
  });

  it('cuts run-on text at whitespace below the length cap', () => {
    const t = Array.from({ length: 800 }, (_, i) => `w${i}`).join(' ');
    const parts = split(t);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(MAX_SENTENCE_CHARS);
    expect(parts.join(' ')).toBe(t);
  });
});

describe('passages', () => {
  const sentence = (i: number): string => `Sentence number ${i} has exactly seven words.`;
  const text = Array.from({ length: 30 }, (_, i) => sentence(i)).join(' ');

  it('fills passages to the target size at sentence boundaries, with optional overlap', () => {
    const b = new TextBuilder();
    b.addBlock(text);
    const t = b.finish();
    const plain = segment({
      text: t,
      pages: b.pages,
      headings: [],
      softLineBreaks: false,
      options: { passageWords: 20, passageOverlapSentences: 0 },
    });
    expect(plain.sentences).toHaveLength(30);
    // 7 words per sentence: 3 sentences (21 words) reach 20.
    expect(plain.passages.map((p) => p.sentenceEnd - p.sentenceStart)).toEqual(Array(10).fill(3));
    const overlapped = segment({
      text: t,
      pages: b.pages,
      headings: [],
      softLineBreaks: false,
      options: { passageWords: 20, passageOverlapSentences: 1 },
    });
    for (let i = 1; i < overlapped.passages.length; i++) {
      expect(overlapped.passages[i]!.sentenceStart).toBe(overlapped.passages[i - 1]!.sentenceEnd - 1);
    }
  });
});

// Property: on generated documents, every unit's offsets round-trip and units are consistent.
const word = fc.oneof(
  fc.constantFrom(
    'liquid',
    'network',
    'Dr.',
    'e.g.',
    'et al.',
    '3.14',
    'https://x.org/a.b',
    'U.S.',
    'Fig.',
    '(see',
    'note)',
    'ﬁne',
    'naïve',
    '😀',
    '—',
    '"quoted"',
  ),
  fc.stringMatching(/^[A-Za-z]{1,10}$/),
);
const sentenceArb = fc
  .tuple(fc.array(word, { minLength: 1, maxLength: 14 }), fc.constantFrom('.', '!', '?', '', '...'))
  .map(([ws, p]) => ws.join(' ') + p);
const paragraph = fc.array(sentenceArb, { minLength: 1, maxLength: 6 }).map((ss) => ss.join(' '));
const page = fc.array(
  fc.oneof(
    paragraph,
    paragraph.map((p) => `- ${p}`),
    paragraph.map((p) => `# ${p}`),
  ),
  { minLength: 0, maxLength: 5 },
);
const pages = fc.array(page, { minLength: 1, maxLength: 4 });

function checkInvariants(doc: ParsedDocument): void {
  const { text } = doc;
  let last = -1;
  for (const s of doc.sentences) {
    expect(text.slice(s.start, s.end)).toBe(s.text);
    expect(s.text).toBe(s.text.trim());
    expect(s.text.length).toBeGreaterThan(0);
    expect(s.start).toBeGreaterThanOrEqual(last);
    last = s.end;
    const p = doc.pages.find((x) => x.number === s.page)!;
    expect(s.start >= p.start && s.end <= p.end).toBe(true);
    if (s.section >= 0) {
      const sec = doc.sections[s.section]!;
      expect(s.start >= sec.start && s.start < sec.end).toBe(true);
    }
  }
  // Sentences cover every non-space character.
  const covered = new Uint8Array(text.length);
  for (const s of doc.sentences) covered.fill(1, s.start, s.end);
  for (let i = 0; i < text.length; i++) if (!covered[i]) expect(/\s/.test(text[i]!)).toBe(true);
  let next = 0;
  for (const p of doc.passages) {
    expect(text.slice(p.start, p.end)).toBe(p.text);
    expect(p.start).toBe(doc.sentences[p.sentenceStart]!.start);
    expect(p.end).toBe(doc.sentences[p.sentenceEnd - 1]!.end);
    expect(p.sentenceStart).toBeLessThanOrEqual(next);
    next = p.sentenceEnd;
    expect(p.pageStart).toBe(doc.sentences[p.sentenceStart]!.page);
    expect(p.pageEnd).toBe(doc.sentences[p.sentenceEnd - 1]!.page);
  }
  expect(next).toBe(doc.sentences.length);
  for (const sec of doc.sections) {
    expect(text.slice(sec.start, sec.start + sec.title.length)).toBe(sec.title);
    expect(sec.end).toBeGreaterThan(sec.start);
    expect(sec.end).toBeLessThanOrEqual(text.length);
  }
  for (const p of doc.pages) expect(p.start <= p.end && p.end <= text.length).toBe(true);
}

describe('offsets round-trip (property)', () => {
  it('holds for built multi-page text (the PDF/DOCX/HTML path)', () => {
    fc.assert(
      fc.property(pages, fc.integer({ min: 5, max: 80 }), fc.integer({ min: 0, max: 2 }), (ps, words, overlap) => {
        const b = new TextBuilder();
        for (const pg of ps) {
          b.beginPage();
          for (const block of pg) {
            if (block.startsWith('# ')) b.addHeading(block.slice(2), 1 + (block.length % 3));
            else b.addBlock(block);
          }
          b.endPage();
        }
        const text = b.finish();
        const seg = segment({
          text,
          pages: b.pages,
          headings: b.headings,
          softLineBreaks: false,
          options: { passageWords: words, passageOverlapSentences: overlap },
        });
        checkInvariants({ text, pages: b.pages, ...seg, meta: {} as ParsedDocument['meta'], flags: [] });
      }),
      { numRuns: 200 },
    );
  });

  it('holds for raw text and Markdown parsed from bytes', async () => {
    await fc.assert(
      fc.asyncProperty(pages, fc.constantFrom<'text' | 'markdown'>('text', 'markdown'), async (ps, format) => {
        const source = ps
          .map((pg) => pg.join(format === 'markdown' ? '\n\n' : '\n'))
          .join(format === 'text' ? '\f' : '\n\n');
        if (!/\S/.test(source)) return;
        const doc = await parseDocument(new TextEncoder().encode(source), { format, segment: { passageWords: 30 } });
        checkInvariants(doc);
      }),
      { numRuns: 100 },
    );
  });
});
