import { describe, expect, it } from 'vitest';
import { parseDocument } from '../parse';
import { makePdf } from '../testing';
import { isIndexEntry, isLegalNotice, isNoteLine, isReferenceEntry, isTocLine, roleFromTitle } from './evidence';

const enc = (s: string) => new TextEncoder().encode(s);

describe('role evidence', () => {
  it('names roles from section titles', () => {
    expect(roleFromTitle('References')).toBe('references');
    expect(roleFromTitle('7. Bibliography')).toBe('references');
    expect(roleFromTitle('Table of Contents')).toBe('toc');
    expect(roleFromTitle('Notes')).toBe('notes');
    expect(roleFromTitle('Index')).toBe('index');
    expect(roleFromTitle('Appendix A: Proofs')).toBe('appendix');
    expect(roleFromTitle('Abstract')).toBe('abstract');
    expect(roleFromTitle('3.2 Results')).toBeNull();
  });
  it('tells TOC, index, note, reference and legal lines from prose', () => {
    expect(isTocLine('Chapter 2: Piracy ........ 62')).toBe(true);
    expect(isTocLine('The results show that the method works well in 12 cases.')).toBe(false);
    expect(isIndexEntry('Valenti, Jack, 117, 218-220, 291')).toBe(true);
    expect(isIndexEntry('We used it, and it worked.')).toBe(false);
    expect(
      isNoteLine('21. Copyright Infringements (Audio and Video Recorders), 485 (testimony of Jack Valenti).'),
    ).toBe(true);
    expect(isReferenceEntry('Smith, J. A. and Lee, K. 2019. Liquid networks. In Proceedings of ICML.')).toBe(true);
    expect(isReferenceEntry('The model was trained for 2019 steps.')).toBe(false);
    expect(isLegalNotice('This PDF version is licensed under a Creative Commons license.')).toBe(true);
  });
});

describe('assignRoles through parseDocument', () => {
  it('gives markdown sections, sentences and passages their roles', async () => {
    const prose = (n: number) =>
      Array.from({ length: n }, (_, i) => `The body argues point ${i} about liquid networks at length.`).join(' ');
    const md = [
      '# Contents',
      '',
      ...['Introduction ........ 1', 'Methods ........ 5', 'Results ........ 9', 'Discussion ........ 14'].flatMap(
        (l) => [l, ''],
      ),
      '# Introduction',
      '',
      prose(6),
      '',
      '# Notes',
      '',
      '1. See Smith, Liquid Networks, 45 (1999).',
      '',
      '2. Ibid., p. 7.',
      '',
      '# References',
      '',
      'Smith, J. 1999. Liquid networks. Journal of Things.',
      '',
      '# Index',
      '',
      ...['liquid networks, 3, 7-9', 'state, 12, 44', 'time constant, 5', 'tokens, 8, 19', 'vectors, 2, 31'].flatMap(
        (l) => [l, ''],
      ),
    ].join('\n');
    const doc = await parseDocument(enc(md), { format: 'markdown' });
    const byTitle = Object.fromEntries(doc.sections.map((s) => [s.title, s.role]));
    expect(byTitle).toMatchObject({
      Contents: 'toc',
      Introduction: 'body',
      Notes: 'notes',
      References: 'references',
      Index: 'index',
    });
    const roleOf = (needle: string) => doc.sentences.find((s) => s.text.includes(needle))?.role;
    expect(roleOf('Methods ....')).toBe('toc');
    expect(roleOf('point 3')).toBe('body');
    expect(roleOf('Ibid')).toBe('notes');
    expect(roleOf('time constant')).toBe('index');
    expect(doc.sentences.every((s) => s.role)).toBe(true);
    expect(doc.passages.every((p) => p.role)).toBe(true);
  });

  it('gives body back when a missed heading leaves a paper inside the previous references', async () => {
    const body = Array.from(
      { length: 8 },
      (_, i) => `The second paper studies wheat under heat stress in trial ${i} of the season.`,
    );
    const md = [
      '# References',
      '',
      'Smith, J. 1999. Liquid networks. Journal of Things.',
      '',
      'Lee, K. 2001. Time constants. In Proceedings of ACL.',
      '',
      body.join(' '),
    ].join('\n');
    const doc = await parseDocument(enc(md), { format: 'markdown' });
    const roleOf = (needle: string) => doc.sentences.find((s) => s.text.includes(needle))?.role;
    expect(roleOf('Time constants')).toBe('references');
    expect(roleOf('trial 4')).toBe('body');
  });

  it('finds an untitled TOC and index by their lines, and a licence notice as front matter', async () => {
    const text = [
      'This PDF version is licensed under a Creative Commons license. Some rights reserved.',
      '',
      ...['Introduction 1', 'Piracy 17', 'Property 83', 'Puzzles 139', 'Balances 183'].flatMap((l) => [l, '']),
      Array.from({ length: 8 }, (_, i) => `Culture ${i} is built on what came before it, as the argument goes.`).join(
        ' ',
      ),
      '',
      ...['Disney, Walt, 21-24, 93', 'Valenti, Jack, 117, 218', 'VCR, 75-79', 'Wright brothers, 1-3'].flatMap((l) => [
        l,
        '',
      ]),
      'Xerox, 4, 8',
    ].join('\n');
    const doc = await parseDocument(enc(text), { format: 'text' });
    const roleOf = (needle: string) => doc.sentences.find((s) => s.text.includes(needle))?.role;
    expect(roleOf('Creative Commons')).toBe('front_matter');
    expect(roleOf('Piracy 17')).toBe('toc');
    expect(roleOf('Culture 3')).toBe('body');
    expect(roleOf('Valenti')).toBe('index');
  });

  it('marks text repeated across PDF pages as boilerplate (layout evidence)', async () => {
    const ideas = ['rivers', 'markets', 'proteins', 'contracts', 'engines'];
    const pages = Array.from({ length: 5 }, (_, p) => [
      `Chapter ${p + 1} explains ${ideas[p]} in its own careful words.`,
      'Draft copy for review only, do not circulate outside the team.',
    ]);
    const doc = await parseDocument(await makePdf({ pages }), {});
    const roleOf = (needle: string) => doc.sentences.find((s) => s.text.includes(needle))?.role;
    expect(roleOf('Draft copy')).toBe('boilerplate');
    expect(roleOf('Chapter 3')).toBe('body');
  });
});
