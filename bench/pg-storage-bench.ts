/**
 * Storage writes and reads of one large parsed document on both backends, side by side in one run:
 * SQLite (the embedded default) and a private PostgreSQL 15 (initdb'd here, fsync off as in the
 * tests), each through its real ContentRepository. replaceParsed is the parse stage's one
 * transaction (delete + insert every page, section, sentence and passage row); loadParsed reads it
 * back. Prints medians per backend and the PostgreSQL/SQLite ratios as one JSON object.
 *
 *   npx tsx bench/pg-storage-bench.ts [--sentences 50000] [--runs 5]
 *
 * The document is synthetic (sizes of a ~1,500-page book: 50k sentences, 12.5k passages); real text
 * lengths matter less than row counts here.
 */
import type { ParsedDocument } from '@elegans/ingest';
import { createPgDatabase, openPgStorage, openStorage, type Storage } from '@elegans/storage';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startPrivatePostgres } from '../apps/server/src/postgres-server';

const { values } = parseArgs({
  options: { sentences: { type: 'string', default: '50000' }, runs: { type: 'string', default: '5' } },
});
const N = Number(values.sentences);
const RUNS = Number(values.runs);

function bookDocument(sentences: number): ParsedDocument {
  const perPage = 33;
  const perPassage = 4;
  const parts: string[] = [];
  const sent: ParsedDocument['sentences'] = [];
  let at = 0;
  for (let i = 0; i < sentences; i++) {
    const text = `Sentence ${i} tells of the harbour, the lantern and the orchard in chapter ${i % 97}.`;
    sent.push({ index: i, start: at, end: at + text.length, page: Math.floor(i / perPage) + 1, text, section: 0 });
    parts.push(text);
    at += text.length + 1;
  }
  const text = parts.join(' ');
  const pageCount = Math.ceil(sentences / perPage);
  const pages = Array.from({ length: pageCount }, (_, p) => ({
    number: p + 1,
    start: sent[p * perPage]!.start,
    end: sent[Math.min(sentences, (p + 1) * perPage) - 1]!.end,
  }));
  const passages = Array.from({ length: Math.ceil(sentences / perPassage) }, (_, k) => {
    const a = k * perPassage;
    const b = Math.min(sentences, a + perPassage);
    return {
      index: k,
      start: sent[a]!.start,
      end: sent[b - 1]!.end,
      pageStart: sent[a]!.page,
      pageEnd: sent[b - 1]!.page,
      text: text.slice(sent[a]!.start, sent[b - 1]!.end),
      sentenceStart: a,
      sentenceEnd: b,
    };
  });
  const sections = Array.from({ length: Math.ceil(pageCount / 10) }, (_, i) => ({
    title: `Chapter ${i + 1}`,
    level: 1,
    start: pages[i * 10]!.start,
    end: pages[Math.min(pageCount, i * 10 + 10) - 1]!.end,
    page: i * 10 + 1,
  }));
  return {
    text,
    pages,
    sections,
    sentences: sent,
    passages,
    meta: { format: 'text', contentHash: 'bench', bytes: text.length, language: 'en', title: null, pageCount },
    flags: [],
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(s: Storage, doc: ParsedDocument): Promise<{ replaceMs: number; loadMs: number }> {
  const t = await s.tenants.ensure('bench');
  const d = (await s.documents.create({
    tenantId: t.id,
    collection: 'c',
    contentHash: `h${Math.random()}`,
    filename: null,
    mimeType: null,
    format: 'text',
    bytes: doc.text.length,
    metadata: {},
    jobId: null,
  }))!;
  const replace: number[] = [];
  const load: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    let t0 = performance.now();
    await s.content.replaceParsed(d.id, doc); // a retried parse replaces the previous rows
    replace.push(performance.now() - t0);
    t0 = performance.now();
    const back = await s.content.loadParsed(d.id);
    load.push(performance.now() - t0);
    if (back?.sentences.length !== doc.sentences.length) throw new Error('read back a different document');
  }
  return { replaceMs: median(replace), loadMs: median(load) };
}

async function main() {
  const doc = bookDocument(N);
  const dir = mkdtempSync(join(tmpdir(), 'elegans-pg-bench-'));
  const server = await startPrivatePostgres();
  try {
    const sqlite = openStorage({ databasePath: join(dir, 'bench.sqlite'), dataDir: dir });
    const lite = await measure(sqlite, doc);
    await sqlite.close();
    const pgs = await openPgStorage({
      databaseUrl: await createPgDatabase(server.url, 'bench'),
      dataDir: dir,
    });
    const post = await measure(pgs, doc);
    await pgs.close();
    const round = (x: number) => Math.round(x * 10) / 10;
    process.stdout.write(
      `${JSON.stringify({
        document: { sentences: N, passages: doc.passages.length, pages: doc.pages.length, chars: doc.text.length },
        runs: RUNS,
        sqlite: { replaceParsedMs: round(lite.replaceMs), loadParsedMs: round(lite.loadMs) },
        postgres: { replaceParsedMs: round(post.replaceMs), loadParsedMs: round(post.loadMs) },
        ratio: {
          replaceParsed: round(post.replaceMs / lite.replaceMs),
          loadParsed: round(post.loadMs / lite.loadMs),
        },
      })}\n`,
    );
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
