import { ElegansError } from '@elegans/common';
import type {
  DocumentFlag,
  DocumentFormat,
  PageGeometry,
  PageSpan,
  ParsedDocument,
  Section,
  Sentence,
} from '@elegans/ingest';
import { endianness } from 'node:os';
import type { ContentRepository } from '../repositories';
import type { StoredPage } from '../types';
import type { SqliteDatabase } from './database';

/** Tables (owned by storage) that hold one document's parsed structure. */
export const CONTENT_TABLES = [
  'document_texts',
  'pages',
  'sections',
  'sentences',
  'passages',
  'page_geometry',
  'results',
] as const;

/** Tables replaceParsed rewrites (results belong to later stages). */
export const PARSED_TABLES = ['document_texts', 'pages', 'sections', 'sentences', 'passages', 'page_geometry'] as const;

// Packed boxes are stored as the typed arrays' bytes, which are little-endian on every platform
// Node runs on; a big-endian host would misread them, so refuse it loudly rather than draw garbage.
const LITTLE_ENDIAN = endianness() === 'LE';

export function bytesOf(a: Int32Array | Float32Array): Buffer {
  if (!LITTLE_ENDIAN) throw new Error('page geometry storage needs a little-endian host');
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** A copy: the driver's Buffer may sit at an offset that is not a multiple of 4. */
function int32Of(b: Uint8Array): Int32Array {
  const out = new Int32Array(b.byteLength >> 2);
  new Uint8Array(out.buffer).set(b.subarray(0, out.byteLength));
  return out;
}

function float32Of(b: Uint8Array): Float32Array {
  const out = new Float32Array(b.byteLength >> 2);
  new Uint8Array(out.buffer).set(b.subarray(0, out.byteLength));
  return out;
}

export interface GeometryRow {
  page: number;
  width: number;
  height: number;
  offsets: Uint8Array;
  rects: Uint8Array;
  ocr_confidence: number | null;
  ocr_words: number | null;
}

export function geometryOf(r: GeometryRow): PageGeometry {
  return {
    page: r.page,
    width: r.width,
    height: r.height,
    offsets: int32Of(r.offsets),
    rects: float32Of(r.rects),
    ...(r.ocr_words !== null ? { ocr: { confidence: r.ocr_confidence ?? 0, words: r.ocr_words } } : {}),
  };
}

function isForeignKeyError(err: unknown): boolean {
  return (err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

export class SqliteContentRepository implements ContentRepository {
  constructor(private readonly db: SqliteDatabase) {}

  async replaceParsed(documentId: string, parsed: ParsedDocument): Promise<void> {
    const db = this.db;
    const write = db.transaction(() => {
      for (const t of PARSED_TABLES) {
        db.prepare(`DELETE FROM ${t} WHERE document_id = ?`).run(documentId);
      }
      db.prepare('INSERT INTO document_texts (document_id, text) VALUES (?, ?)').run(documentId, parsed.text);
      const page = db.prepare(
        'INSERT INTO pages (document_id, number, char_start, char_end, text) VALUES (?, ?, ?, ?, ?)',
      );
      for (const p of parsed.pages) page.run(documentId, p.number, p.start, p.end, parsed.text.slice(p.start, p.end));
      const section = db.prepare(
        'INSERT INTO sections (document_id, idx, title, level, char_start, char_end, page, role) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      parsed.sections.forEach((s, i) =>
        section.run(documentId, i, s.title, s.level, s.start, s.end, s.page, s.role ?? null),
      );
      const sentence = db.prepare(
        'INSERT INTO sentences (document_id, idx, char_start, char_end, page, section, text, role) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      for (const s of parsed.sentences)
        sentence.run(documentId, s.index, s.start, s.end, s.page, s.section, s.text, s.role ?? null);
      const passage = db.prepare(
        `INSERT INTO passages (document_id, idx, char_start, char_end, page_start, page_end, sentence_start,
           sentence_end, text, role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const p of parsed.passages) {
        passage.run(
          documentId,
          p.index,
          p.start,
          p.end,
          p.pageStart,
          p.pageEnd,
          p.sentenceStart,
          p.sentenceEnd,
          p.text,
          p.role ?? null,
        );
      }
      const geometry = db.prepare(
        `INSERT INTO page_geometry (document_id, page, width, height, char_start, char_end, box_count, offsets, rects,
           ocr_confidence, ocr_words) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const spans = new Map(parsed.pages.map((p) => [p.number, p]));
      for (const g of parsed.geometry ?? []) {
        const n = g.offsets.length >> 1;
        const span = spans.get(g.page);
        // The page's text span; boxes lie inside it (an empty page has an empty span).
        const lo = span?.start ?? (n ? g.offsets[0]! : 0);
        const hi = span?.end ?? (n ? g.offsets[2 * n - 1]! : 0);
        geometry.run(
          documentId,
          g.page,
          g.width,
          g.height,
          lo,
          hi,
          n,
          bytesOf(g.offsets),
          bytesOf(g.rects),
          g.ocr?.confidence ?? null,
          g.ocr?.words ?? null,
        );
      }
    });
    try {
      write.immediate();
    } catch (err) {
      // The document row vanished (DELETE raced the pipeline): report cancellation, not a crash.
      if (isForeignKeyError(err)) throw new ElegansError('cancelled', 'document was deleted while processing');
      throw err;
    }
  }

  async loadParsed(documentId: string): Promise<ParsedDocument | null> {
    const db = this.db;
    const doc = db
      .prepare('SELECT format, content_hash, bytes, language, title, page_count, flags FROM documents WHERE id = ?')
      .get(documentId) as
      | {
          format: string;
          content_hash: string;
          bytes: number;
          language: string | null;
          title: string | null;
          page_count: number | null;
          flags: string;
        }
      | undefined;
    const text = db.prepare('SELECT text FROM document_texts WHERE document_id = ?').get(documentId) as
      { text: string } | undefined;
    if (!doc || !text) return null;
    const pages = db
      .prepare('SELECT number, char_start AS start, char_end AS end FROM pages WHERE document_id = ? ORDER BY number')
      .all(documentId) as ParsedDocument['pages'];
    const sections = db
      .prepare(
        'SELECT title, level, char_start AS start, char_end AS end, page, role FROM sections WHERE document_id = ? ORDER BY idx',
      )
      .all(documentId)
      .map(dropNullRole) as ParsedDocument['sections'];
    const sentences = db
      .prepare(
        `SELECT idx AS "index", char_start AS start, char_end AS end, page, text, section, role
         FROM sentences WHERE document_id = ? ORDER BY idx`,
      )
      .all(documentId)
      .map(dropNullRole) as ParsedDocument['sentences'];
    const passages = db
      .prepare(
        `SELECT idx AS "index", char_start AS start, char_end AS end, page_start AS pageStart, page_end AS pageEnd,
           text, sentence_start AS sentenceStart, sentence_end AS sentenceEnd, role
         FROM passages WHERE document_id = ? ORDER BY idx`,
      )
      .all(documentId)
      .map(dropNullRole) as ParsedDocument['passages'];
    return {
      text: text.text,
      pages,
      sections,
      sentences,
      passages,
      meta: {
        format: doc.format as DocumentFormat,
        contentHash: doc.content_hash,
        bytes: doc.bytes,
        language: doc.language,
        title: doc.title,
        pageCount: doc.page_count ?? pages.length,
      },
      flags: JSON.parse(doc.flags) as DocumentFlag[],
    };
  }

  async getPages(documentId: string): Promise<StoredPage[]> {
    return this.db
      .prepare(
        'SELECT number, char_start AS start, char_end AS end, text FROM pages WHERE document_id = ? ORDER BY number',
      )
      .all(documentId) as StoredPage[];
  }

  async getPage(documentId: string, number: number): Promise<StoredPage | null> {
    const row = this.db
      .prepare(
        'SELECT number, char_start AS start, char_end AS end, text FROM pages WHERE document_id = ? AND number = ?',
      )
      .get(documentId, number) as StoredPage | undefined;
    return row ?? null;
  }

  async getPageSpans(documentId: string, range?: { from: number; to: number }): Promise<PageSpan[]> {
    const from = range?.from ?? 1;
    const to = range?.to ?? Number.MAX_SAFE_INTEGER;
    return this.db
      .prepare(
        `SELECT number, char_start AS start, char_end AS end FROM pages
         WHERE document_id = ? AND number BETWEEN ? AND ? ORDER BY number`,
      )
      .all(documentId, from, to) as PageSpan[];
  }

  async countPages(documentId: string): Promise<number> {
    return (this.db.prepare('SELECT count(*) AS n FROM pages WHERE document_id = ?').get(documentId) as { n: number })
      .n;
  }

  async getSentencesOnPage(documentId: string, page: number): Promise<Sentence[]> {
    return this.db
      .prepare(
        `SELECT idx AS "index", char_start AS start, char_end AS end, page, text, section, role
         FROM sentences WHERE document_id = ? AND page = ? ORDER BY idx`,
      )
      .all(documentId, page)
      .map(dropNullRole) as Sentence[];
  }

  async getSections(documentId: string): Promise<Section[]> {
    return this.db
      .prepare(
        'SELECT title, level, char_start AS start, char_end AS end, page, role FROM sections WHERE document_id = ? ORDER BY idx',
      )
      .all(documentId)
      .map(dropNullRole) as Section[];
  }

  async getGeometry(documentId: string, start: number, end: number): Promise<PageGeometry[] | null> {
    const rows = this.db
      .prepare(
        `SELECT page, width, height, offsets, rects, ocr_confidence, ocr_words FROM page_geometry
         WHERE document_id = ? AND char_start < ? AND char_end > ? ORDER BY page`,
      )
      .all(documentId, end, start) as GeometryRow[];
    if (rows.length > 0) return rows.map(geometryOf);
    const any = this.db.prepare('SELECT 1 FROM page_geometry WHERE document_id = ? LIMIT 1').get(documentId);
    return any ? [] : null;
  }

  async countRows(documentId: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const t of CONTENT_TABLES) {
      out[t] = (
        this.db.prepare(`SELECT count(*) AS n FROM ${t} WHERE document_id = ?`).get(documentId) as { n: number }
      ).n;
    }
    return out;
  }
}

/** Rows stored before roles existed have role NULL: leave `role` absent (read as body), never null. */
function dropNullRole(row: unknown): unknown {
  const r = row as { role?: string | null };
  if (r.role == null) delete r.role;
  return r;
}
