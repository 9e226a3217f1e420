/**
 * Text evidence of a unit's structural role (issue 14). Each detector looks at one kind of evidence
 * and answers for one line or sentence; `roles.ts` combines them over runs of units and sections.
 */
import type { StructureRole } from '../types';

/** Role a section title names outright ("References", "Index", "Table of Contents"…), or null. */
export function roleFromTitle(title: string): StructureRole | null {
  const t = title
    .trim()
    .replace(/^(?:[0-9]+(?:\.[0-9]+)*|[IVXLC]+|[A-Z])[.)]?\s+/, '')
    .replace(/[:.]\s*$/, '')
    .toLowerCase();
  if (/^abstract\b|^summary$|^executive summary$/.test(t)) return 'abstract';
  if (/^(table of )?contents$|^brief contents$/.test(t)) return 'toc';
  if (/^(references|bibliography|works cited|literature cited|sources|cited literature|reference list)$/.test(t))
    return 'references';
  if (/^(end)?notes$|^footnotes$|^notes (to|on) /.test(t)) return 'notes';
  if (/^(general |subject |name )?index$/.test(t)) return 'index';
  if (/^appendi(x|ces)\b|^supplementary (material|information)|^annex\b/.test(t)) return 'appendix';
  if (/^(copyright|dedication|epigraph|about the authors?|acknowledge?ments?|preface to the .* edition)$/.test(t))
    return 'front_matter';
  return null;
}

/** A table-of-contents line: dot leaders, or a title followed by a page number column. */
export function isTocLine(s: string): boolean {
  const t = s.trim();
  if (/(?:\.\s?){4,}\s*[0-9ivxlc]+\s*$/i.test(t)) return true; // "Chapter 1 ........ 12"
  // "3.2 Results 45" / "Introduction 1": short, ends in a page number, no sentence punctuation inside.
  return /^[^.!?]{2,80}?\s[0-9]{1,4}$/.test(t) && t.split(/\s+/).length <= 14 && /[A-Za-z]{3}/.test(t);
}

/** An alphabetical index entry: a term, then a comma-separated list of page numbers or ranges. */
export function isIndexEntry(s: string): boolean {
  return /^[^\d.!?]{2,80},\s*(?:(?:see also|see)\s+[^,]+,\s*)?[0-9ivxlc]+(?:[-–][0-9]+)?(?:n[0-9]*)?(?:\s*,\s*[0-9ivxlc]+(?:[-–][0-9]+)?(?:n[0-9]*)?)*\.?$/i.test(
    s.trim(),
  );
}

/** A numbered note ("21. Copyright Infringements …, 485 (testimony of …).", "3 Ibid., p. 4."). */
export function isNoteLine(s: string): boolean {
  const t = s.trim();
  if (!/^(?:\[?[0-9]{1,3}[.)\]]?)\s+\S/.test(t)) return false;
  return (
    /\b(ibid|id\.|op\. cit|supra|infra|see|cf\.|pp?\.\s?[0-9]|vol\.|no\.\s?[0-9]|testimony|available at|https?:)/i.test(
      t,
    ) ||
    /\b(1[5-9]|20)[0-9]{2}\b/.test(t) ||
    /,\s*[0-9]{1,4}(?:[-–][0-9]+)?\s*(?:\(|\.|$)/.test(t)
  );
}

/** A bibliography entry: authors with initials and a year, or a bracketed reference number. */
export function isReferenceEntry(s: string): boolean {
  const t = s.trim();
  const year = /\b(19|20)[0-9]{2}[a-z]?\b/.test(t);
  if (!year) return false;
  if (/^\[[0-9]{1,3}\]\s/.test(t)) return true;
  if (/^[A-Z][A-Za-z'’\-]+,\s+(?:[A-Z]\.\s?)+/.test(t)) return true; // "Smith, J. …"
  if (/^(?:[A-Z]\.\s?)+\s?[A-Z][a-z]+/.test(t)) return true; // "J. Smith …"
  return /\bIn Proceedings of\b|\bProc\.\s|\bJournal of\b|\bpp\.\s?[0-9]+/.test(t);
}

/** Copyright, licence and other legal notices (front matter on the first pages, boilerplate elsewhere). */
export function isLegalNotice(s: string): boolean {
  return /©|\(c\)\s*(19|20)[0-9]{2}|\bcopyright\b|all rights reserved|licensed under|creative commons|\bISBN\b|permission (is granted|to (make|reproduce))|this (pdf|book|work) (version )?(of .* )?is licensed/i.test(
    s,
  );
}
