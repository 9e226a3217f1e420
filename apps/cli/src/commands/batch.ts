import { createWriteStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { analyzeDocument } from '@elegans/analysis';
import { isElegansError } from '@elegans/common';
import { parseDocument } from '@elegans/ingest';
import { loadEmbedder, progressBar, releaseEmbedder } from '../analysis-cli';
import { analysisJson } from './analyze';

export const summary = 'summarize every file of a folder into a JSONL file (one line per document), with progress';

export const USAGE =
  'usage: elegans batch DIR --out results.jsonl [--question Q]... [--model DIR] [--no-model] [--json]\n';

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...listFiles(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      question: { type: 'string', multiple: true, short: 'q' },
      model: { type: 'string' },
      'no-model': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const dir = positionals[0];
  if (!dir || !values.out || positionals.length > 1) {
    process.stderr.write(USAGE);
    return 2;
  }
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    process.stderr.write(`elegans batch: ${dir} is not a directory\n`);
    return 2;
  }
  const files = listFiles(dir);
  const embedder = await loadEmbedder(values.model, values['no-model']);
  const out = createWriteStream(values.out);
  const bar = progressBar('batch');
  const byStatus: Record<string, number> = {};
  const t0 = Date.now();
  try {
    for (const [i, file] of files.entries()) {
      let line: Record<string, unknown>;
      try {
        const doc = await parseDocument(readFileSync(file), { filename: basename(file) });
        const r = await analyzeDocument(doc, embedder, { questions: values.question ?? [] });
        const j = analysisJson(file, r);
        line = {
          id: file,
          status: 'ok',
          pages: doc.meta.pageCount,
          summary: j.summary,
          answers: j.answers,
          error: null,
        };
      } catch (err) {
        // One bad file fails only its own line; the code is the stable ElegansError code.
        const code = isElegansError(err) ? err.code : 'internal_error';
        line = {
          id: file,
          status: code,
          summary: null,
          error: { code, message: err instanceof Error ? err.message : String(err) },
        };
      }
      byStatus[line.status as string] = (byStatus[line.status as string] ?? 0) + 1;
      if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
      bar(i + 1, files.length, basename(file));
    }
  } finally {
    out.end();
    await once(out, 'close');
    await releaseEmbedder(embedder);
  }
  const result = { files: files.length, byStatus, out: values.out, ms: Date.now() - t0 };
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stderr.write(`${files.length} files → ${values.out} (${JSON.stringify(byStatus)})\n`);
  return 0;
}
