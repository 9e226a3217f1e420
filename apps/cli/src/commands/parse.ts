import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { closeParseWorkers, parseFileReport, type OcrMode, type ParseReport } from '@elegans/ingest';

export const summary = 'parse FILE|DIR into pages, sentences and passages; report status and counts per file';

export const USAGE =
  'usage: elegans parse FILE|DIR [--json] [--timeout-ms N] [--max-pages N] [--max-bytes N] [--concurrency N] [--passage-words N] [--ocr off|auto|force] [--ocr-dpi N]';

/**
 * `elegans parse FILE|DIR [--json]`: every file goes through a worker thread with the time limit,
 * so one bad file costs at most the limit and never the run. Directories are walked recursively
 * (sorted, hidden entries skipped). `--concurrency N` parses N files at once (default 1: each pdf.js
 * thread costs ~200 MB RSS). Exit code 0 once every file is classified (whatever its
 * status), 2 on bad usage or when nothing was found.
 */
export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        'timeout-ms': { type: 'string' },
        'max-pages': { type: 'string' },
        'max-bytes': { type: 'string' },
        concurrency: { type: 'string' },
        'passage-words': { type: 'string' },
        ocr: { type: 'string', default: 'off' },
        'ocr-dpi': { type: 'string' },
      },
      strict: true,
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const num = (v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`not a positive number: ${v}`);
    return n;
  };
  let limits;
  let concurrency: number;
  let passageWords: number | undefined;
  let ocr: { mode: OcrMode; dpi?: number };
  try {
    if (!['off', 'auto', 'force'].includes(values.ocr!)) throw new Error(`--ocr must be off, auto or force`);
    ocr = { mode: values.ocr as OcrMode, dpi: num(values['ocr-dpi']) };
    limits = {
      parseTimeoutMs: num(values['timeout-ms']),
      maxPages: num(values['max-pages']),
      maxBytes: num(values['max-bytes']),
    };
    concurrency = Math.max(1, Math.floor(num(values.concurrency) ?? 1));
    passageWords = num(values['passage-words']);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }

  const files: string[] = [];
  for (const p of positionals) {
    const abs = resolve(p);
    const st = await stat(abs).catch(() => null);
    if (!st) {
      process.stderr.write(`elegans parse: no such file or directory: ${p}\n`);
      return 2;
    }
    if (st.isDirectory()) files.push(...(await walk(abs)));
    else files.push(abs);
  }
  if (files.length === 0) {
    process.stderr.write('elegans parse: no files found\n');
    return 2;
  }

  const results: ParseReport[] = new Array(files.length);
  let next = 0;
  let done = 0;
  const lane = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      const r = await parseFileReport(files[i]!, { limits, segment: { passageWords }, ocr });
      results[i] = r;
      done++;
      process.stderr.write(
        `[${done}/${files.length}] ${r.status} ${r.ms}ms rss=${Math.round(process.memoryUsage.rss() / 1048576)}MB ${r.path}\n`,
      );
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, lane));
  } finally {
    await closeParseWorkers();
  }

  const byStatus: Record<string, number> = {};
  for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  // maxRSS covers the whole process, worker threads included (kilobytes on Linux).
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const out = { files: results, summary: { total: results.length, byStatus, peakRssMb } };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } else {
    for (const r of results) {
      process.stdout.write(
        `${r.status.padEnd(22)} ${String(r.pages).padStart(5)}p ${String(r.words).padStart(8)}w ${String(r.sentences).padStart(6)}s ${String(r.passages).padStart(5)}psg ${String(r.ms).padStart(6)}ms  ${r.path}${ocrNote(r)}\n`,
      );
    }
    process.stdout.write(
      `\n${results.length} files: ${Object.entries(byStatus)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}; peak RSS ${peakRssMb} MB\n`,
    );
  }
  return 0;
}

/** "  [ocr 3p 812w conf 91.2, 1 failed]" when OCR ran. */
function ocrNote(r: ParseReport): string {
  if (!r.ocr) return '';
  const failed = r.ocr.failed.length ? `, ${r.ocr.failed.length} failed` : '';
  return `  [ocr ${r.ocr.pages.length}p ${r.ocr.words}w conf ${r.ocr.confidence ?? '-'}${failed}]`;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}
