import type { TextSpan } from './segment';

/** One SciTLDR record: the abstract's own sentences (joined by spaces, with offsets) and its TLDRs. */
export interface SciTldrEntry {
  text: string;
  sentences: TextSpan[];
  targets: string[];
}

/**
 * SciTLDR JSONL (`{"source": [sentence, …], "target": [tldr, …] | tldr}` per line). Records with fewer
 * than two sentences or no non-empty target are skipped: there is nothing to choose or nothing to score.
 */
export function parseSciTldr(jsonl: string): SciTldrEntry[] {
  const out: SciTldrEntry[] = [];
  jsonl.split('\n').forEach((line, n) => {
    if (!line.trim()) return;
    const r = JSON.parse(line) as { source?: unknown; target?: unknown };
    if (!Array.isArray(r.source) || !r.source.every((s) => typeof s === 'string')) {
      throw new Error(`scitldr line ${n + 1} has no "source" array of strings`);
    }
    const targets = (Array.isArray(r.target) ? r.target : [r.target]).filter(
      (t): t is string => typeof t === 'string' && t.trim() !== '',
    );
    if (r.source.length < 2 || targets.length === 0) return;
    let text = '';
    const sentences = (r.source as string[]).map((s) => {
      if (text) text += ' ';
      const start = text.length;
      text += s;
      return { text: s, start, end: text.length };
    });
    out.push({ text, sentences, targets });
  });
  return out;
}
