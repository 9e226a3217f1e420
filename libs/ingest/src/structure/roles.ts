/**
 * Structure roles (issue 14): a pass over a parsed document that gives every section, sentence and
 * passage a `StructureRole`, from text evidence only (section titles, runs of TOC / index / note /
 * reference lines, legal notices, text repeated across pages). It runs after any format's parser,
 * so PDF, DOCX, HTML, Markdown and text get the same treatment; `body` when nothing else applies.
 */
import type { Passage, Section, Sentence, StructureRole } from '../types';
import { isIndexEntry, isLegalNotice, isNoteLine, isReferenceEntry, isTocLine, roleFromTitle } from './evidence';

export interface RoleInput {
  sections: Section[];
  sentences: Sentence[];
  passages: Passage[];
  pageCount: number;
}

/** Consecutive lines of one kind that make a block of that role (a lone "Introduction 1" is not a TOC). */
const MIN_RUN: Record<'toc' | 'index' | 'notes' | 'references', number> = { toc: 4, index: 5, notes: 3, references: 3 };
/** A section whose sentences are mostly of one non-body role takes that role. */
const SECTION_SHARE = 0.6;

export function assignRoles<T extends RoleInput>(doc: T): T {
  const { sentences, sections, passages } = doc;
  const sectionRoles = sections.map((s) => roleFromTitle(s.title));
  // Front matter: a TOC, abstract or body title ends it; legal notices on the first pages belong to it.
  const frontPages = Math.max(2, Math.ceil(doc.pageCount * 0.05));
  const roles: StructureRole[] = sentences.map((s) => (s.section >= 0 ? (sectionRoles[s.section] ?? 'body') : 'body'));

  markRuns(sentences, roles, 'toc', isTocLine);
  markRuns(sentences, roles, 'index', isIndexEntry);
  // Notes and references need their own section or a long run: one numbered sentence in the body is prose.
  markRuns(sentences, roles, 'notes', isNoteLine);
  markRuns(sentences, roles, 'references', isReferenceEntry);

  const repeated = repeatedAcrossPages(sentences, doc.pageCount);
  sentences.forEach((s, i) => {
    if (roles[i] !== 'body' && roles[i] !== 'front_matter') return;
    if (isLegalNotice(s.text)) roles[i] = s.page <= frontPages ? 'front_matter' : 'boilerplate';
    else if (repeated.has(i)) roles[i] = 'boilerplate';
  });

  // A section's role: its title's, else the role most of its sentences share.
  const counts = sections.map(() => new Map<StructureRole, number>());
  sentences.forEach((s, i) => {
    if (s.section < 0 || s.section >= sections.length) return;
    const m = counts[s.section]!;
    m.set(roles[i]!, (m.get(roles[i]!) ?? 0) + 1);
  });
  const outSections = sections.map((sec, k) => {
    let role: StructureRole = sectionRoles[k] ?? 'body';
    if (!sectionRoles[k]) {
      const m = counts[k]!;
      const n = [...m.values()].reduce((a, b) => a + b, 0);
      for (const [r, c] of m) if (r !== 'body' && n > 0 && c / n >= SECTION_SHARE) role = r;
    }
    return { ...sec, role };
  });
  // Titled sections inherit to their untitled subsections (level deeper, until the next peer).
  for (let k = 1; k < outSections.length; k++) {
    const sec = outSections[k]!;
    if (sectionRoles[k] || sec.role !== 'body') continue;
    for (let j = k - 1; j >= 0; j--) {
      const p = outSections[j]!;
      if (p.level < sec.level) {
        if (sectionRoles[j] && sectionRoles[j] !== 'abstract') sec.role = p.role;
        break;
      }
    }
  }
  sentences.forEach((s, i) => {
    const sr = s.section >= 0 ? outSections[s.section]?.role : undefined;
    if (roles[i] === 'body' && sr && sr !== 'body') roles[i] = sr;
  });

  releaseRunaways(sentences, roles);
  const outSentences = sentences.map((s, i) => ({ ...s, role: roles[i]! }));
  const outPassages = passages.map((p) => ({ ...p, role: majority(roles, p.sentenceStart, p.sentenceEnd) }));
  return { ...doc, sections: outSections, sentences: outSentences, passages: outPassages };
}

/** An abstract longer than this many sentences has run past its end (a heading the parser missed). */
const MAX_ABSTRACT_SENTENCES = 25;
/** Consecutive prose sentences that are not entries end a references or notes section (body again). */
const PROSE_RUN_ENDS_LIST = 6;

/** A year: reference lists carry one per entry (often on a line of its own), body prose rarely six in a row without. */
const YEAR = /\b(1[89]|20)[0-9]{2}[a-z]?\b/;
const looksLikeProse = (t: string) => t.split(/\s+/).length >= 8 && /[.!?]["'”’)]*$/.test(t.trim());

/**
 * Sections whose heading the parser missed are read into the previous section: a paper's body after
 * an "Abstract" or after the previous paper's "References" (concatenated documents, reports). Past
 * MAX_ABSTRACT_SENTENCES an abstract is body; a run of prose that holds no reference or note entries
 * inside references / notes is body.
 */
function releaseRunaways(sentences: Sentence[], roles: StructureRole[]): void {
  let run = 0;
  for (let i = 0; i < sentences.length; i++) {
    if (roles[i] === 'abstract') {
      run++;
      if (run > MAX_ABSTRACT_SENTENCES) roles[i] = 'body';
      continue;
    }
    run = 0;
  }
  // Headings and fragments neither extend nor break a prose run; an entry or another role breaks it.
  let start = -1;
  let prose = 0;
  const flush = (end: number) => {
    if (start >= 0 && prose >= PROSE_RUN_ENDS_LIST) for (let k = start; k < end; k++) roles[k] = 'body';
    start = -1;
    prose = 0;
  };
  for (let i = 0; i < sentences.length; i++) {
    const t = sentences[i]!.text;
    const listRole = roles[i] === 'references' || roles[i] === 'notes';
    if (!listRole || isReferenceEntry(t) || isNoteLine(t) || YEAR.test(t)) flush(i);
    else if (looksLikeProse(t)) {
      if (start < 0) start = i;
      prose++;
    }
  }
  flush(sentences.length);
}

function markRuns(
  sentences: Sentence[],
  roles: StructureRole[],
  role: keyof typeof MIN_RUN,
  test: (s: string) => boolean,
): void {
  let i = 0;
  while (i < sentences.length) {
    if (!test(sentences[i]!.text)) {
      i++;
      continue;
    }
    let j = i;
    // Allow one stray line inside a run (a letter heading in an index, a wrapped TOC title).
    let misses = 0;
    let last = i;
    while (j < sentences.length && misses <= 1) {
      if (test(sentences[j]!.text)) {
        last = j;
        misses = 0;
      } else misses++;
      j++;
    }
    let hits = 0;
    for (let k = i; k <= last; k++) if (test(sentences[k]!.text)) hits++;
    if (hits >= MIN_RUN[role]) for (let k = i; k <= last; k++) if (roles[k] === 'body') roles[k] = role;
    i = last + 1;
  }
}

/** Sentences whose text (digits masked in short lines) recurs on at least 3 pages and 30% of pages: running text. */
function repeatedAcrossPages(sentences: Sentence[], pageCount: number): Set<number> {
  const out = new Set<number>();
  if (pageCount < 3) return out;
  const pagesByKey = new Map<string, Set<number>>();
  // Digits are masked only in short lines (a running "Page 3 of 40"); prose must repeat verbatim.
  const key = (t: string) => {
    const k = t.replace(/\s+/g, ' ').trim().toLowerCase();
    return k.split(' ').length <= 10 ? k.replace(/[0-9]+/g, '#') : k;
  };
  for (const s of sentences) {
    const k = key(s.text);
    if (k.length < 8) continue;
    let set = pagesByKey.get(k);
    if (!set) pagesByKey.set(k, (set = new Set()));
    set.add(s.page);
  }
  const need = Math.max(3, Math.ceil(pageCount * 0.3));
  sentences.forEach((s, i) => {
    if ((pagesByKey.get(key(s.text))?.size ?? 0) >= need) out.add(i);
  });
  return out;
}

function majority(roles: StructureRole[], start: number, end: number): StructureRole {
  const m = new Map<StructureRole, number>();
  for (let i = start; i < end; i++) m.set(roles[i]!, (m.get(roles[i]!) ?? 0) + 1);
  let best: StructureRole = 'body';
  let n = -1;
  for (const [r, c] of m) if (c > n) [best, n] = [r, c];
  return best;
}
