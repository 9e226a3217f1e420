import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeDocument, type AnalysisResult } from '@elegans/analysis';
import { parseDocument } from '@elegans/ingest';
import { loadEmbedder, releaseEmbedder } from '../analysis-cli';

export const summary = 'summarize a file and answer questions about it, in process (no Redis, no API)';

export const USAGE =
  'usage: elegans analyze FILE [--question Q]... [--sentences N | --words N] [--model DIR] [--no-model] [--json]\n';

/** The DESIGN.md shape, plus extra fields (reason, highlight, sections, supporting passages). */
export function analysisJson(file: string, r: AnalysisResult) {
  return {
    file,
    model: r.model,
    summary: r.summary.map((s) => ({ text: s.text, page: s.page, start: s.start, end: s.end })),
    sections: r.sections.map((s) => ({
      title: s.title,
      page: s.page,
      summary: s.sentences.map((x) => ({ text: x.text, page: x.page, start: x.start, end: x.end })),
    })),
    answers: r.answers.map((a) => ({
      question: a.question,
      answer: a.answer,
      reason: a.reason,
      confidence: Math.round(a.confidence * 1000) / 1000,
      citations: a.citations.map((c) => ({ page: c.page, start: c.start, end: c.end, text: c.text })),
      highlight: a.highlight
        ? { page: a.highlight.page, start: a.highlight.start, end: a.highlight.end, text: a.highlight.text }
        : null,
      best: a.best ? { page: a.best.page, start: a.best.start, end: a.best.end, text: a.best.text } : null,
      supportingPassages: a.supportingPassages.map((p) => ({
        page: p.page,
        start: p.start,
        end: p.end,
        score: p.score,
      })),
    })),
  };
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      question: { type: 'string', multiple: true, short: 'q' },
      sentences: { type: 'string' },
      words: { type: 'string' },
      model: { type: 'string' },
      'no-model': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const file = positionals[0];
  const sentences = values.sentences !== undefined ? Number(values.sentences) : undefined;
  const words = values.words !== undefined ? Number(values.words) : undefined;
  const bad = (n: number | undefined) => n !== undefined && !(Number.isInteger(n) && n > 0);
  if (!file || positionals.length > 1 || bad(sentences) || bad(words)) {
    process.stderr.write(USAGE);
    return 2;
  }
  const doc = await parseDocument(readFileSync(file), { filename: basename(file) });
  const embedder = await loadEmbedder(values.model, values['no-model']);
  try {
    const length = words !== undefined ? { words, ...(sentences ? { sentences } : {}) } : { sentences: sentences ?? 3 };
    const r = await analyzeDocument(doc, embedder, { length, questions: values.question ?? [] });
    const out = analysisJson(file, r);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(out)}\n`);
    } else {
      const lines = ['Summary:'];
      for (const s of out.summary) lines.push(`  [p.${s.page} ${s.start}-${s.end}] ${s.text}`);
      for (const sec of out.sections) {
        lines.push(`Section "${sec.title}" (p.${sec.page}):`);
        for (const s of sec.summary) lines.push(`  [p.${s.page} ${s.start}-${s.end}] ${s.text}`);
      }
      for (const a of out.answers) {
        lines.push(`Q: ${a.question}`);
        if (a.answer === null) lines.push(`  (no answer: ${a.reason})`);
        else {
          lines.push(`  A: ${a.answer}  (confidence ${a.confidence})`);
          for (const c of a.citations) lines.push(`     cited: p.${c.page} ${c.start}-${c.end}`);
        }
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return 0;
  } finally {
    await releaseEmbedder(embedder);
  }
}
