import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { highlightBoxes, packBoxes, parseDocument, unpackBoxes, type ParsedDocument } from '@elegans/ingest';
import { makePdf } from '@elegans/ingest/testing';
import { generateApiKey, hashApiKey, looksLikeApiKey } from './keys';
import { openDatabase } from './sqlite/database';
import { runMigrations } from './sqlite/migrate';
import { storageMigrations } from './sqlite/schema';
import { createPgDatabase } from './postgres/database';
import { openPgStorage, openStorage, type Storage } from './storage';

/** The SQLite handle under a SQLite storage (assertions on the raw database). */
function sqliteOf(s: Storage) {
  if (s.connection.backend !== 'sqlite') throw new Error('not a SQLite storage');
  return s.connection.db;
}

function parsed(text: string): ParsedDocument {
  const mid = text.indexOf('\n\n');
  return {
    text,
    pages: [
      { number: 1, start: 0, end: mid },
      { number: 2, start: mid + 2, end: text.length },
    ],
    sections: [{ title: 'Intro', level: 1, start: 0, end: text.length, page: 1 }],
    sentences: [
      { index: 0, start: 0, end: mid, page: 1, text: text.slice(0, mid), section: 0 },
      { index: 1, start: mid + 2, end: text.length, page: 2, text: text.slice(mid + 2), section: 0 },
    ],
    passages: [
      {
        index: 0,
        start: 0,
        end: text.length,
        pageStart: 1,
        pageEnd: 2,
        text,
        sentenceStart: 0,
        sentenceEnd: 2,
      },
    ],
    meta: { format: 'text', contentHash: 'x', bytes: text.length, language: 'en', title: null, pageCount: 2 },
    flags: [],
  };
}

describe('api keys', () => {
  it('hashes deterministically and never returns the plaintext as the hash', () => {
    const k = generateApiKey();
    expect(looksLikeApiKey(k.plaintext)).toBe(true);
    expect(k.hash).toBe(hashApiKey(k.plaintext));
    expect(k.hash).not.toContain(k.plaintext.slice(13));
    expect(k.plaintext.startsWith(k.prefix)).toBe(true);
    expect(generateApiKey().plaintext).not.toBe(k.plaintext);
    expect(hashApiKey(k.plaintext + 'x')).not.toBe(k.hash);
  });
});

describe('storage migration 3 (admin keys)', () => {
  it('keeps every key made before it and makes none of them admin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'elegans-mig3-'));
    const path = join(dir, 'db.sqlite');
    try {
      // A database as it was at storage v2, with one live key and one revoked key.
      const old = openDatabase(path);
      const v2 = { ...storageMigrations, migrations: storageMigrations.migrations.filter((m) => m.version <= 2) };
      runMigrations(old, [v2]);
      old.prepare("INSERT INTO tenants (id, name, created_at) VALUES ('t1', 'acme', '2026-01-01T00:00:00Z')").run();
      const live = generateApiKey();
      const gone = generateApiKey();
      const insert = old.prepare(
        "INSERT INTO api_keys (id, tenant_id, key_hash, prefix, created_at, revoked_at) VALUES (?, 't1', ?, ?, '2026-01-01T00:00:00Z', ?)",
      );
      insert.run('k1', live.hash, live.prefix, null);
      insert.run('k2', gone.hash, gone.prefix, '2026-01-02T00:00:00Z');
      old.close();

      const s = openStorage({ databasePath: path, dataDir: dir });
      try {
        const cols = sqliteOf(s).prepare("SELECT name FROM pragma_table_info('api_keys')").all() as { name: string }[];
        expect(cols.map((c) => c.name)).toContain('is_admin');
        const found = await s.apiKeys.findActiveByHash(live.hash);
        expect(found).toMatchObject({ id: 'k1', tenantId: 't1', isAdmin: false });
        expect(await s.apiKeys.findActiveByHash(gone.hash)).toBeNull();
        expect((await s.apiKeys.listForTenant('t1')).map((k) => [k.id, k.isAdmin])).toEqual([
          ['k1', false],
          ['k2', false],
        ]);
      } finally {
        s.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The same suite on both backends: SQLite (always) and a real PostgreSQL 15 (the private server that
 * test/setup/postgres-setup.ts starts once per run; a fresh database per test). Without the
 * PostgreSQL binaries only SQLite runs (POSTGRES_INSTALL_HINT says what to install).
 */
const postgresUrl = inject('postgresUrl');
const BACKENDS = ['sqlite', ...(postgresUrl ? ['postgres'] : [])] as const;
let dbSeq = 0;

describe.each(BACKENDS)('%s storage', (backend) => {
  let dir: string;
  let s: Storage;
  /** Raw SQL on the backend's database, for assertions the repositories do not expose. */
  let raw: (sql: string) => Promise<unknown[]>;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'elegans-storage-'));
    if (backend === 'sqlite') {
      s = openStorage({ databasePath: join(dir, 'db.sqlite'), dataDir: dir });
      raw = async (sql) => sqliteOf(s).prepare(sql).all();
      cleanup = async () => undefined;
    } else {
      const url = await createPgDatabase(postgresUrl!, `storage_${process.pid}_${dbSeq++}`);
      s = await openPgStorage({ databaseUrl: url, dataDir: dir });
      const pool = new pg.Pool({ connectionString: url, max: 1 });
      raw = async (sql) => (await pool.query(sql)).rows;
      cleanup = () => pool.end();
    }
  });
  afterEach(async () => {
    await cleanup();
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const newDoc = (tenantId: string, hash: string, collection = 'default') => ({
    tenantId,
    collection,
    contentHash: hash,
    filename: 'a.txt',
    mimeType: 'text/plain',
    format: 'text' as const,
    bytes: 10,
    metadata: { k: 1 },
    jobId: null,
  });

  it.runIf(backend === 'sqlite')('is in WAL mode with foreign keys on', () => {
    expect(sqliteOf(s).pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqliteOf(s).pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('finds an active key by hash only, and not once revoked', async () => {
    const t = await s.tenants.ensure('acme');
    expect((await s.tenants.ensure('acme')).id).toBe(t.id);
    const k = generateApiKey();
    const rec = await s.apiKeys.create({ tenantId: t.id, keyHash: k.hash, prefix: k.prefix });
    expect((await s.apiKeys.findActiveByHash(k.hash))?.tenantId).toBe(t.id);
    expect(JSON.stringify(await raw('SELECT * FROM api_keys'))).not.toContain(k.plaintext);
    await s.apiKeys.revoke(rec.id);
    expect(await s.apiKeys.findActiveByHash(k.hash)).toBeNull();
  });

  it('creates tenant keys by default and admin keys only when asked', async () => {
    const t = await s.tenants.ensure('ops');
    const plain = generateApiKey();
    const admin = generateApiKey();
    expect((await s.apiKeys.create({ tenantId: t.id, keyHash: plain.hash, prefix: plain.prefix })).isAdmin).toBe(false);
    const rec = await s.apiKeys.create({ tenantId: t.id, keyHash: admin.hash, prefix: admin.prefix, isAdmin: true });
    expect(rec.isAdmin).toBe(true);
    expect((await s.apiKeys.findActiveByHash(admin.hash))?.isAdmin).toBe(true);
    expect((await s.apiKeys.findActiveByHash(plain.hash))?.isAdmin).toBe(false);
    expect((await s.apiKeys.listForTenant(t.id)).map((k) => k.isAdmin)).toEqual([false, true]);
  });

  it('deduplicates by (tenant, content hash) but not across tenants', async () => {
    const a = await s.tenants.create('a');
    const b = await s.tenants.create('b');
    const d1 = await s.documents.create(newDoc(a.id, 'h1'));
    expect(d1?.status).toBe('queued');
    expect(await s.documents.create(newDoc(a.id, 'h1'))).toBeNull();
    expect(await s.documents.create(newDoc(b.id, 'h1'))).not.toBeNull();
    expect(await s.documents.countByHash('h1')).toBe(2);
    expect(await s.documents.getForTenant(b.id, d1!.id)).toBeNull();
    expect((await s.documents.getForTenant(a.id, d1!.id))?.metadata).toEqual({ k: 1 });
  });

  it('lists a tenant its own collections only, with document counts', async () => {
    const a = await s.tenants.create('a');
    const b = await s.tenants.create('b');
    for (let i = 0; i < 3; i++) await s.documents.create(newDoc(a.id, `h${i}`, i ? 'reports' : 'memos'));
    await s.documents.create(newDoc(b.id, 'hb', 'secret'));
    const cols = await s.documents.listCollections(a.id);
    expect(cols.map((c) => [c.name, c.documents])).toEqual([
      ['memos', 1],
      ['reports', 2],
    ]);
    expect(Number.isFinite(Date.parse(cols[0]!.createdAt))).toBe(true);
    expect((await s.documents.listCollections(b.id)).map((c) => c.name)).toEqual(['secret']);
  });

  it('paginates newest first with a cursor and filters', async () => {
    const a = await s.tenants.create('a');
    for (let i = 0; i < 5; i++) await s.documents.create(newDoc(a.id, `h${i}`, i % 2 ? 'odd' : 'even'));
    const p1 = await s.documents.list({ tenantId: a.id, limit: 2 });
    const p2 = await s.documents.list({ tenantId: a.id, limit: 2, cursor: p1.nextCursor! });
    const p3 = await s.documents.list({ tenantId: a.id, limit: 2, cursor: p2.nextCursor! });
    const ids = [...p1.items, ...p2.items, ...p3.items].map((d) => d.contentHash);
    expect(new Set(ids).size).toBe(5);
    expect(p3.nextCursor).toBeNull();
    expect((await s.documents.list({ tenantId: a.id, limit: 10, collection: 'odd' })).items).toHaveLength(2);
    const d = (await s.documents.getByHash(a.id, 'h0'))!;
    await s.documents.update(d.id, { status: 'ready', progress: 140, timings: { parsing: 12 } });
    const ready = await s.documents.list({ tenantId: a.id, limit: 10, status: 'ready' });
    expect(ready.items.map((x) => [x.id, x.progress, x.timings])).toEqual([[d.id, 100, { parsing: 12 }]]);
  });

  it('stores parsed content and deletes every row by cascade', async () => {
    const a = await s.tenants.create('a');
    const d = (await s.documents.create(newDoc(a.id, 'h')))!;
    const p = parsed('Hello world.\n\nSecond page.');
    await s.content.replaceParsed(d.id, p);
    await s.content.replaceParsed(d.id, p); // idempotent on retry
    await s.results.put(d.id, 'summary', { text: 'x' });
    expect(await s.content.countRows(d.id)).toEqual({
      document_texts: 1,
      pages: 2,
      sections: 1,
      sentences: 2,
      passages: 1,
      page_geometry: 0,
      results: 1,
    });
    const back = await s.content.loadParsed(d.id);
    expect(back?.pages).toEqual(p.pages);
    expect(back?.sentences).toEqual(p.sentences);
    expect(back?.passages).toEqual(p.passages);
    expect((await s.content.getPages(d.id))[1]?.text).toBe('Second page.');
    expect(await s.documents.delete(a.id, d.id)).toBe(true);
    expect(Object.values(await s.content.countRows(d.id)).every((n) => n === 0)).toBe(true);
    await expect(s.content.replaceParsed(d.id, p)).rejects.toMatchObject({ code: 'cancelled' });
    expect(await s.documents.update(d.id, { progress: 5 })).toBe(false);
  });

  it('stores page geometry packed, finds the pages of a character range, and deletes it by cascade', async () => {
    const a = await s.tenants.create('a');
    const d = (await s.documents.create(newDoc(a.id, 'g')))!;
    const p = parsed('Hello world.\n\nSecond page.');
    const box = (start: number, end: number, x: number, y: number) => ({
      start,
      end,
      x,
      y,
      width: 40.25,
      height: 12.5,
    });
    p.geometry = [
      { page: 1, width: 612, height: 792, ...packBoxes([box(0, 5, 72, 100), box(6, 12, 116.5, 100)]) },
      {
        page: 2,
        width: 595.5,
        height: 842,
        ...packBoxes([box(14, 20, 72, 90), box(21, 26, 120, 90)]),
        ocr: { confidence: 91.5, words: 2 },
      },
    ];
    await s.content.replaceParsed(d.id, p);
    await s.content.replaceParsed(d.id, p); // a retried parse replaces, never duplicates
    expect((await s.content.countRows(d.id)).page_geometry).toBe(2);
    const second = await s.content.getGeometry(d.id, 15, 16);
    expect(second).toHaveLength(1);
    expect(second![0]).toMatchObject({ page: 2, width: 595.5, height: 842, ocr: { confidence: 91.5, words: 2 } });
    expect(second![0]!.offsets).toBeInstanceOf(Int32Array);
    expect(second![0]!.rects).toBeInstanceOf(Float32Array);
    expect(unpackBoxes(second![0]!)).toEqual([box(14, 20, 72, 90), box(21, 26, 120, 90)]);
    expect((await s.content.getGeometry(d.id, 3, 20))!.map((g) => g.page)).toEqual([1, 2]);
    expect((await s.content.getGeometry(d.id, 0, 5))![0]!.ocr).toBeUndefined();
    // Past the last page: no page, but the document does have geometry.
    expect(await s.content.getGeometry(d.id, 500, 600)).toEqual([]);
    // A document without geometry (a text file) says so with null.
    const t = (await s.documents.create(newDoc(a.id, 't')))!;
    await s.content.replaceParsed(t.id, parsed('Plain text.\n\nMore text.'));
    expect(await s.content.getGeometry(t.id, 0, 5)).toBeNull();
    expect(await s.documents.delete(a.id, d.id)).toBe(true);
    expect((await s.content.countRows(d.id)).page_geometry).toBe(0);
  });

  it('round-trips the geometry of a parsed PDF: stored highlights equal the parser’s', async () => {
    const pdf = await makePdf({
      pages: [
        ['The first page has one sentence here.', 'And a second sentence below it.'],
        ['Page two starts with this line.', 'The cited sentence sits on page two.'],
      ],
    });
    const doc = await parseDocument(pdf);
    const a = await s.tenants.create('a');
    const d = (await s.documents.create(newDoc(a.id, 'pdf')))!;
    await s.content.replaceParsed(d.id, doc);
    const cited = doc.sentences.find((x) => x.text.startsWith('The cited'))!;
    const stored = (await s.content.getGeometry(d.id, cited.start, cited.end))!;
    expect(stored.map((g) => g.page)).toEqual([2]);
    expect(Array.from(stored[0]!.offsets)).toEqual(Array.from(doc.geometry![1]!.offsets));
    expect(highlightBoxes(stored, cited.start, cited.end)).toEqual(
      highlightBoxes(doc.geometry!, cited.start, cited.end),
    );
    expect(highlightBoxes(stored, cited.start, cited.end)[0]!.boxes).toHaveLength(1);
  });

  it('reads one page, page spans, one page’s sentences and sections without the whole document', async () => {
    const a = await s.tenants.create('a');
    const d = (await s.documents.create(newDoc(a.id, 'pp')))!;
    const p = parsed('Hello world.\n\nSecond page.');
    await s.content.replaceParsed(d.id, p);
    expect(await s.content.getPage(d.id, 2)).toEqual({ number: 2, start: 14, end: 26, text: 'Second page.' });
    expect(await s.content.getPage(d.id, 3)).toBeNull();
    expect(await s.content.countPages(d.id)).toBe(2);
    expect(await s.content.getPageSpans(d.id)).toEqual(p.pages);
    expect(await s.content.getPageSpans(d.id, { from: 2, to: 9 })).toEqual([p.pages[1]]);
    expect(await s.content.getSentencesOnPage(d.id, 2)).toEqual([p.sentences[1]]);
    expect(await s.content.getSentencesOnPage(d.id, 7)).toEqual([]);
    expect(await s.content.getSections(d.id)).toEqual(p.sections);
  });

  it('streams a blob while hashing, rejects oversize uploads without leaving temp files', async () => {
    const data = Buffer.from('%PDF-1.7 some bytes '.repeat(1000));
    const w = await s.blobs.write(Readable.from([data.subarray(0, 7000), data.subarray(7000)]), data.length);
    expect(w.sha256).toBe(createHash('sha256').update(data).digest('hex'));
    expect(w.bytes).toBe(data.length);
    expect(Buffer.from(w.head).toString('latin1').startsWith('%PDF-1.7')).toBe(true);
    await w.pending.commit(w.sha256);
    expect(Buffer.from(await s.blobs.read(w.sha256)).equals(data)).toBe(true);
    await expect(s.blobs.write(Readable.from([data]), data.length - 1)).rejects.toMatchObject({
      code: 'payload_too_large',
    });
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    const local = await s.blobs.localPath(w.sha256);
    expect(readFileSync(local).equals(data)).toBe(true);
    await s.blobs.delete(w.sha256);
    expect(await s.blobs.exists(w.sha256)).toBe(false);
    expect(existsSync(local)).toBe(false);
    await expect(s.blobs.localPath('../../etc/passwd')).rejects.toThrow(/sha256/);
  });

  it('stores a multi-chunk blob whole, once, when two uploads of it commit together', async () => {
    // 2.5 MiB of varied bytes: three PostgreSQL chunks.
    const data = Buffer.alloc(2.5 * 1024 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 251;
    const sha = createHash('sha256').update(data).digest('hex');
    const [a, b] = await Promise.all([
      s.blobs.write(Readable.from([data]), data.length),
      s.blobs.write(Readable.from([data.subarray(0, 1000), data.subarray(1000)]), data.length),
    ]);
    expect([a.sha256, b.sha256]).toEqual([sha, sha]);
    await Promise.all([a.pending.commit(sha), b.pending.commit(sha)]);
    expect(Buffer.from(await s.blobs.read(sha)).equals(data)).toBe(true);
    expect(readFileSync(await s.blobs.localPath(sha)).equals(data)).toBe(true);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    if (backend === 'postgres') {
      expect(await raw('SELECT count(*)::int AS n FROM pg_blob_chunks')).toEqual([{ n: 3 }]);
      expect(await raw('SELECT bytes::int AS b, chunks FROM pg_blobs')).toEqual([{ b: data.length, chunks: 3 }]);
    }
  });

  it('keeps text with NUL characters at the same offsets', async () => {
    const a = await s.tenants.create('a');
    const d = (await s.documents.create(newDoc(a.id, 'nul')))!;
    const p = parsed('Odd\u0000 text.\n\nPage two.');
    await s.content.replaceParsed(d.id, p);
    const back = (await s.content.loadParsed(d.id))!;
    expect(back.text.length).toBe(p.text.length);
    expect(back.sentences.map((x) => [x.start, x.end])).toEqual(p.sentences.map((x) => [x.start, x.end]));
    expect(back.text.slice(p.pages[1]!.start)).toBe('Page two.');
    await s.results.put(d.id, 'summary', { text: 'a\u0000b', n: [1, 2] });
    expect((await s.results.get(d.id, 'summary'))?.data).toMatchObject({ n: [1, 2] });
  });

  it('records batches with their files in order and tallies document statuses', async () => {
    const a = await s.tenants.create('a');
    const b = await s.tenants.create('b');
    const d1 = (await s.documents.create(newDoc(a.id, 'b1')))!;
    const d2 = (await s.documents.create(newDoc(a.id, 'b2')))!;
    const batch = await s.batches.create({ id: 'bat_1', tenantId: a.id, total: 4 });
    expect(batch).toMatchObject({ id: 'bat_1', status: 'processing', total: 4 });
    await s.batches.addFiles('bat_1', [
      { position: 0, filename: 'one.txt', documentId: d1.id, error: null },
      { position: 1, filename: 'bad.bin', documentId: null, error: { code: 'unsupported_media_type', message: 'no' } },
      { position: 2, filename: 'two.txt', documentId: d2.id, error: null },
      { position: 3, filename: 'again.txt', documentId: d1.id, error: null }, // a duplicate inside the batch
    ]);
    expect(await s.batches.getForTenant(b.id, 'bat_1')).toBeNull();
    const files = await s.batches.listFiles('bat_1');
    expect(files.map((f) => [f.position, f.documentId, f.error?.code ?? null])).toEqual([
      [0, d1.id, null],
      [1, null, 'unsupported_media_type'],
      [2, d2.id, null],
      [3, d1.id, null],
    ]);
    await s.documents.update(d2.id, { status: 'failed' });
    expect(await s.batches.countDocumentsByStatus('bat_1')).toEqual({ queued: 1, failed: 1 });
    await s.batches.setStatus('bat_1', 'completed_with_errors');
    expect((await s.batches.getForTenant(a.id, 'bat_1'))?.status).toBe('completed_with_errors');
    // A deleted document leaves its line, without the id.
    await s.documents.delete(a.id, d2.id);
    expect((await s.batches.listFiles('bat_1'))[2]?.documentId).toBeNull();
    await s.batches.delete('bat_1');
    expect(await s.batches.getForTenant(a.id, 'bat_1')).toBeNull();
    expect(await s.batches.listFiles('bat_1')).toEqual([]);
  });

  it('keeps model checkpoints and final states as bytes, cleared on finish and by the document cascade', async () => {
    const a = await s.tenants.create('a');
    const d = (await s.documents.create(newDoc(a.id, 'm')))!;
    const vec = (x: number) => new Uint8Array(new Float32Array([x, -x, 0.5]).buffer);
    await s.modelStates.saveCheckpoint(
      d.id,
      { modelVersion: 'v1', sentences: 9, nextSentence: 3, checkpoint: vec(1) },
      [
        { kind: 'sentence', idx: 0, vector: vec(2) },
        { kind: 'passage', idx: 0, vector: vec(3) },
      ],
    );
    await s.modelStates.saveCheckpoint(
      d.id,
      { modelVersion: 'v1', sentences: 9, nextSentence: 6, checkpoint: vec(4) },
      [{ kind: 'sentence', idx: 1, vector: vec(5) }],
    );
    const cp = (await s.modelStates.loadCheckpoint(d.id))!;
    expect(cp.checkpoint).toMatchObject({ modelVersion: 'v1', sentences: 9, nextSentence: 6 });
    expect(Buffer.from(cp.checkpoint.checkpoint).equals(Buffer.from(vec(4)))).toBe(true);
    const byKey = new Map(cp.vectors.map((v) => [`${v.kind}${v.idx}`, Buffer.from(v.vector)]));
    expect([...byKey.keys()].sort()).toEqual(['passage0', 'sentence0', 'sentence1']);
    expect(byKey.get('sentence1')!.equals(Buffer.from(vec(5)))).toBe(true);
    await s.modelStates.finishDocument(d.id, {
      modelVersion: 'v1',
      tokens: 40,
      sentences: 9,
      state: vec(6),
      documentVector: vec(7),
    });
    expect(await s.modelStates.loadCheckpoint(d.id)).toBeNull();
    const st = (await s.modelStates.getDocumentState(d.id))!;
    expect(st).toMatchObject({ modelVersion: 'v1', tokens: 40, sentences: 9 });
    expect(Buffer.from(st.documentVector).equals(Buffer.from(vec(7)))).toBe(true);
    await s.documents.delete(a.id, d.id);
    expect(await s.modelStates.getDocumentState(d.id)).toBeNull();
  });
});
