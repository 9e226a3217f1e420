/**
 * Questions about the whole document ("What is the main argument?", "Summarize the report", "What is this
 * paper about?") have no answering sentence: they are answered from the stored summary, with its citations.
 * Detection is by phrasing only; a question that names something particular ("What is the main argument
 * of chapter 3 about tariffs?") still goes to sentence answers when it is long.
 */
const DOC = '(book|document|paper|report|article|text|contract|agreement|file|study|thesis|chapter|essay|memo|filing)';
const WHOLE_DOCUMENT: RegExp[] = [
  /^\s*(please\s+)?(summari[sz]e|sum up|recap|outline)\b/i,
  /^\s*(please\s+)?(give|write|make|provide)\s+(me\s+|us\s+)?(a|an|the)\s+(short\s+|brief\s+|quick\s+)?(summary|overview|synopsis|abstract|gist|tl;?dr)\b/i,
  /\b(main|central|key|overall|core|principal)\s+(argument|point|idea|thesis|theme|message|claim|finding|conclusion|contribution|takeaway|topic)s?\b/i,
  new RegExp(`\\bwhat('s|\\s+is|\\s+are)\\s+(this|the|that)(\\s+${DOC})?\\s+(all\\s+)?(about|on)\\s*\\??\\s*$`, 'i'),
  new RegExp(
    `\\bwhat\\s+does\\s+(this|the)\\s+${DOC}\\s+(argue|say|claim|propose|show|conclude|cover|describe)\\s*\\??\\s*$`,
    'i',
  ),
  /\b(summary|overview|gist|synopsis|tl;?dr)\s+of\s+(this|the|that)\b/i,
];

export function isWholeDocumentQuestion(question: string): boolean {
  const q = question.trim();
  if (q.split(/\s+/).length > 14) return false;
  return WHOLE_DOCUMENT.some((re) => re.test(q));
}
