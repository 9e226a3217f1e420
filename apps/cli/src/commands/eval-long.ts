import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  cachedEmbedder,
  evalLongDocument,
  evalSummaries,
  longEvalReport,
  parseSummEval,
  type LongEvalRow,
} from '@elegans/analysis';
import { isElegansError } from '@elegans/common';
import { closeParseWorkers, parseDocument } from '@elegans/ingest';
import { loadEmbedder, progressBar, releaseEmbedder } from '../analysis-cli';

export const summary =
  'summaries of long documents: roles, pages and ROUGE against each PDF’s own abstract (abstract removed), or ScisummNet';

export const USAGE =
  'usage: elegans eval long [DIR_OR_PDF] [--sentences N] [--model DIR] [--no-model] [--json]\n' +
  '       elegans eval long --scisummnet FILE [--offset N] [--limit N] [--sentences N] [--vector-cache DIR] [--json]\n' +
  '  DIR_OR_PDF: a folder of PDFs (default ../shared/data/pdfs/papers) or one PDF; each summary is scored\n' +
  '  against the paper’s own abstract, which is removed from the input, beside lead-k and TextRank.\n' +
  '  --scisummnet: whole papers with human summaries (SummEval layout); default 3 sentences.\n';

const row = (name: string, r: { rouge1: number; rouge2: number; rougeL: number }) =>
  `${name.padEnd(12)} R1 ${r.rouge1.toFixed(4)}  R2 ${r.rouge2.toFixed(4)}  RL ${r.rougeL.toFixed(4)}`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      scisummnet: { type: 'string' },
      offset: { type: 'string', default: '0' },
      limit: { type: 'string' },
      sentences: { type: 'string' },
      model: { type: 'string' },
      'no-model': { type: 'boolean', default: false },
      'vector-cache': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const k = Number(values.sentences ?? (values.scisummnet ? 3 : 5));
  const offset = Number(values.offset);
  const limit = values.limit === undefined ? Infinity : Number(values.limit);
  if (!Number.isInteger(k) || k < 1 || !Number.isInteger(offset) || offset < 0 || !(limit >= 1)) {
    process.stderr.write(USAGE);
    return 2;
  }
  const loaded = await loadEmbedder(values.model, values['no-model']);
  const cache = values['vector-cache'];
  const embedder = loaded && cache ? cachedEmbedder(loaded, cache) : loaded;
  try {
    const t0 = Date.now();
    if (values.scisummnet) {
      const all = parseSummEval(JSON.parse(readFileSync(values.scisummnet, 'utf8')));
      const entries = all.slice(offset, Number.isFinite(limit) ? offset + limit : undefined);
      const report = await evalSummaries(entries, embedder, progressBar('papers'), k);
      const out = { ...report, offset, ms: Date.now() - t0 };
      if (values.json) process.stdout.write(`${JSON.stringify(out)}\n`);
      else
        process.stdout.write(
          [
            `${out.documents} papers from ${offset}, ${k} sentences (model: ${out.model ?? 'none'})`,
            row('elegans', out.elegans),
            row('lead3', out.lead3),
            row('lead3 prose', out.lead3Prose),
            row('textrank', out.textrank),
            '',
          ].join('\n'),
        );
      return 0;
    }
    const target = positionals[0] ?? '../shared/data/pdfs/papers';
    let files: string[];
    try {
      files = statSync(target).isDirectory()
        ? readdirSync(target)
            .filter((f) => f.toLowerCase().endsWith('.pdf'))
            .sort()
            .map((f) => join(target, f))
        : [target];
    } catch {
      process.stderr.write(`elegans eval long: cannot read ${target}\n${USAGE}`);
      return 2;
    }
    if (files.length === 0) {
      process.stderr.write(`elegans eval long: no PDF in ${target}\n`);
      return 2;
    }
    const rows: LongEvalRow[] = [];
    // A file that does not parse keeps its line (with the parser's error code) and the others go on.
    const failed: { name: string; error: string }[] = [];
    const bar = progressBar('documents');
    for (const file of files) {
      try {
        const doc = await parseDocument(readFileSync(file), { filename: basename(file) });
        rows.push(await evalLongDocument(basename(file), doc, embedder, k, doc.pages.length));
      } catch (err) {
        failed.push({ name: basename(file), error: isElegansError(err) ? err.code : 'internal_error' });
      }
      bar(rows.length + failed.length, files.length);
    }
    const out = { ...longEvalReport(rows, k, embedder?.version ?? null), failed, ms: Date.now() - t0 };
    if (values.json) process.stdout.write(`${JSON.stringify(out)}\n`);
    else {
      const lines = rows.map(
        (r) =>
          `${r.name}: ${r.pages} pages, roles ${JSON.stringify(r.roles)}; summary ${r.summary
            .map((s) => `p${s.page}/${s.role}`)
            .join(
              ' ',
            )}${r.rouge ? `; R1 ${r.rouge.elegans.rouge1.toFixed(3)} (lead ${r.rouge.lead.rouge1.toFixed(3)})` : ''}`,
      );
      for (const f of failed) lines.push(`${f.name}: failed (${f.error})`);
      if (out.mean)
        lines.push(
          `${out.withAbstract} of ${out.documents} with an abstract, ${k} sentences, abstract as reference (model: ${out.model ?? 'none'})`,
          row('elegans', out.mean.elegans),
          row('lead', out.mean.lead),
          row('textrank', out.mean.textrank),
        );
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return 0;
  } finally {
    await closeParseWorkers();
    await releaseEmbedder(loaded);
  }
}
