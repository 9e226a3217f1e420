/**
 * How many PDF pages a layout change alters: dump every page's extracted text with one checkout,
 * dump again with another, compare.
 *
 *   npx tsx eval/pdf-page-diff.ts dump DATA_DIR OUT.json      # DATA_DIR: a folder of PDFs (e.g. …/pdfs/papers)
 *   npx tsx eval/pdf-page-diff.ts diff OLD.json NEW.json [--show N]
 *
 * `dump` parses each PDF in the folder in this thread (default limits) and writes
 * { file: [page text, …] }. `diff` counts pages whose text differs (whitespace included) per file and
 * in total, and prints the first changed line pair of up to N pages for a check by eye.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDocument } from '@elegans/ingest';

type Dump = Record<string, string[]>;

async function dump(dir: string, out: string): Promise<void> {
  const result: Dump = {};
  for (const f of readdirSync(dir)
    .filter((n) => n.toLowerCase().endsWith('.pdf'))
    .sort()) {
    const doc = await parseDocument(new Uint8Array(readFileSync(join(dir, f))));
    result[f] = doc.pages.map((p) => doc.text.slice(p.start, p.end));
  }
  writeFileSync(out, JSON.stringify(result));
  console.log(`${Object.keys(result).length} files, ${Object.values(result).flat().length} pages → ${out}`);
}

function diff(oldPath: string, newPath: string, show: number): void {
  const a = JSON.parse(readFileSync(oldPath, 'utf8')) as Dump;
  const b = JSON.parse(readFileSync(newPath, 'utf8')) as Dump;
  let pages = 0;
  let changed = 0;
  let shown = 0;
  for (const file of Object.keys(b).sort()) {
    const pa = a[file] ?? [];
    const pb = b[file]!;
    const n = Math.max(pa.length, pb.length);
    const which: number[] = [];
    for (let i = 0; i < n; i++) if (pa[i] !== pb[i]) which.push(i + 1);
    pages += n;
    changed += which.length;
    console.log(`${file}\t${which.length}/${n} pages changed${which.length ? ` (${which.join(', ')})` : ''}`);
    for (const p of which) {
      if (shown >= show) break;
      shown++;
      const la = (pa[p - 1] ?? '').split('\n');
      const lb = (pb[p - 1] ?? '').split('\n');
      const k = la.findIndex((l, i) => l !== lb[i]);
      console.log(`  p${p} old: ${(la[k] ?? '').slice(0, 160)}\n  p${p} new: ${(lb[k] ?? '').slice(0, 160)}`);
    }
  }
  console.log(`total\t${changed}/${pages} pages changed`);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { show: { type: 'string', default: '0' } },
  });
  const [cmd, x, y] = positionals;
  if (cmd === 'dump' && x && y) return dump(x, y);
  if (cmd === 'diff' && x && y) return diff(x, y, Number(values.show));
  throw new Error('usage: pdf-page-diff.ts dump DATA_DIR OUT.json | diff OLD.json NEW.json [--show N]');
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
