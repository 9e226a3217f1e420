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
import type { ContentRepository } from '../repositories';
import { bytesOf, CONTENT_TABLES, geometryOf, PARSED_TABLES, type GeometryRow } from '../sqlite/content.repository';
import type { StoredPage } from '../types';
import { inTransaction, isPgForeignKeyError, pgText, type PgPool } from './database';

/**
 * Parsed structure in PostgreSQL. replaceParsed is one transaction and one INSERT … SELECT FROM
 * unnest(arrays) per table, so a book of 50k sentences costs five statements, not 50k round trips.
 */
export class PgContentRepository implements ContentRepository {
  constructor(private readonly pool: PgPool) {}

  async replaceParsed(documentId: string, parsed: ParsedDocument): Promise<void> {
    const text = pgText(parsed.text);
    try {
      await inTransaction(this.pool, async (c) => {
        // Key-share lock on the document row: a concurrent DELETE waits for this transaction (then
        // cascades), and a document already gone is reported as cancellation at once.
        const doc = await c.query('SELECT 1 FROM documents WHERE id = $1 FOR KEY SHARE', [documentId]);
        if (doc.rowCount === 0) throw new ElegansError('cancelled', 'document was deleted while processing');
        for (const t of PARSED_TABLES) {
          await c.query(`DELETE FROM ${t} WHERE document_id = $1`, [documentId]);
        }
        await c.query('INSERT INTO document_texts (document_id, text) VALUES ($1, $2)', [documentId, text]);
        const pages = parsed.pages;
        await c.query(
          `INSERT INTO pages (document_id, number, char_start, char_end, text)
           SELECT $1, * FROM unnest($2::int[], $3::int[], $4::int[], $5::text[])`,
          [
            documentId,
            pages.map((p) => p.number),
            pages.map((p) => p.start),
            pages.map((p) => p.end),
            pages.map((p) => text.slice(p.start, p.end)),
          ],
        );
        const sections = parsed.sections;
        await c.query(
          `INSERT INTO sections (document_id, idx, title, level, char_start, char_end, page, role)
           SELECT $1, * FROM unnest($2::int[], $3::text[], $4::int[], $5::int[], $6::int[], $7::int[], $8::text[])`,
          [
            documentId,
            sections.map((_, i) => i),
            sections.map((s) => pgText(s.title)),
            sections.map((s) => s.level),
            sections.map((s) => s.start),
            sections.map((s) => s.end),
            sections.map((s) => s.page),
            sections.map((s) => s.role ?? null),
          ],
        );
        const sentences = parsed.sentences;
        await c.query(
          `INSERT INTO sentences (document_id, idx, char_start, char_end, page, section, text, role)
           SELECT $1, * FROM unnest($2::int[], $3::int[], $4::int[], $5::int[], $6::int[], $7::text[], $8::text[])`,
          [
            documentId,
            sentences.map((s) => s.index),
            sentences.map((s) => s.start),
            sentences.map((s) => s.end),
            sentences.map((s) => s.page),
            sentences.map((s) => s.section),
            sentences.map((s) => pgText(s.text)),
            sentences.map((s) => s.role ?? null),
          ],
        );
        const passages = parsed.passages;
        await c.query(
          `INSERT INTO passages (document_id, idx, char_start, char_end, page_start, page_end, sentence_start,
             sentence_end, text, role)
           SELECT $1, * FROM unnest($2::int[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[],
             $9::text[], $10::text[])`,
          [
            documentId,
            passages.map((p) => p.index),
            passages.map((p) => p.start),
            passages.map((p) => p.end),
            passages.map((p) => p.pageStart),
            passages.map((p) => p.pageEnd),
            passages.map((p) => p.sentenceStart),
            passages.map((p) => p.sentenceEnd),
            passages.map((p) => pgText(p.text)),
            passages.map((p) => p.role ?? null),
          ],
        );
        // Page geometry, packed as in SQLite (little-endian Int32 offsets, Float32 rects per box).
        const spans = new Map(parsed.pages.map((p) => [p.number, p]));
        const geometry = parsed.geometry ?? [];
        if (geometry.length > 0) {
          const bounds = geometry.map((g) => {
            const n = g.offsets.length >> 1;
            const span = spans.get(g.page);
            // The page's text span; boxes lie inside it (an empty page has an empty span).
            return [span?.start ?? (n ? g.offsets[0]! : 0), span?.end ?? (n ? g.offsets[2 * n - 1]! : 0), n] as const;
          });
          await c.query(
            `INSERT INTO page_geometry (document_id, page, width, height, char_start, char_end, box_count, offsets,
               rects, ocr_confidence, ocr_words)
             SELECT $1, * FROM unnest($2::int[], $3::float8[], $4::float8[], $5::int[], $6::int[], $7::int[],
               $8::bytea[], $9::bytea[], $10::float8[], $11::int[])`,
            [
              documentId,
              geometry.map((g) => g.page),
              geometry.map((g) => g.width),
              geometry.map((g) => g.height),
              bounds.map((b) => b[0]),
              bounds.map((b) => b[1]),
              bounds.map((b) => b[2]),
              geometry.map((g) => bytesOf(g.offsets)),
              geometry.map((g) => bytesOf(g.rects)),
              geometry.map((g) => g.ocr?.confidence ?? null),
              geometry.map((g) => g.ocr?.words ?? null),
            ],
          );
        }
      });
    } catch (err) {
      if (isPgForeignKeyError(err)) throw new ElegansError('cancelled', 'document was deleted while processing');
      throw err;
    }
  }

  async loadParsed(documentId: string): Promise<ParsedDocument | null> {
    const db = this.pool;
    const [docR, textR, pagesR, sectionsR, sentencesR, passagesR] = await Promise.all([
      db.query<{
        format: string;
        content_hash: string;
        bytes: string;
        language: string | null;
        title: string | null;
        page_count: number | null;
        flags: DocumentFlag[];
      }>('SELECT format, content_hash, bytes, language, title, page_count, flags FROM documents WHERE id = $1', [
        documentId,
      ]),
      db.query<{ text: string }>('SELECT text FROM document_texts WHERE document_id = $1', [documentId]),
      db.query(
        'SELECT number, char_start AS start, char_end AS "end" FROM pages WHERE document_id = $1 ORDER BY number',
        [documentId],
      ),
      db.query(
        `SELECT title, level, char_start AS start, char_end AS "end", page, role FROM sections
         WHERE document_id = $1 ORDER BY idx`,
        [documentId],
      ),
      db.query(
        `SELECT idx AS "index", char_start AS start, char_end AS "end", page, text, section, role
         FROM sentences WHERE document_id = $1 ORDER BY idx`,
        [documentId],
      ),
      db.query(
        `SELECT idx AS "index", char_start AS start, char_end AS "end", page_start AS "pageStart",
           page_end AS "pageEnd", text, sentence_start AS "sentenceStart", sentence_end AS "sentenceEnd", role
         FROM passages WHERE document_id = $1 ORDER BY idx`,
        [documentId],
      ),
    ]);
    const doc = docR.rows[0];
    const text = textR.rows[0];
    if (!doc || !text) return null;
    const pages = pagesR.rows as ParsedDocument['pages'];
    return {
      text: text.text,
      pages,
      sections: sectionsR.rows.map(dropNullRole) as ParsedDocument['sections'],
      sentences: sentencesR.rows.map(dropNullRole) as ParsedDocument['sentences'],
      passages: passagesR.rows.map(dropNullRole) as ParsedDocument['passages'],
      meta: {
        format: doc.format as DocumentFormat,
        contentHash: doc.content_hash,
        bytes: Number(doc.bytes),
        language: doc.language,
        title: doc.title,
        pageCount: doc.page_count ?? pages.length,
      },
      flags: doc.flags,
    };
  }

  async getPages(documentId: string): Promise<StoredPage[]> {
    const r = await this.pool.query<StoredPage>(
      'SELECT number, char_start AS start, char_end AS "end", text FROM pages WHERE document_id = $1 ORDER BY number',
      [documentId],
    );
    return r.rows;
  }

  async getPage(documentId: string, number: number): Promise<StoredPage | null> {
    const r = await this.pool.query<StoredPage>(
      'SELECT number, char_start AS start, char_end AS "end", text FROM pages WHERE document_id = $1 AND number = $2',
      [documentId, number],
    );
    return r.rows[0] ?? null;
  }

  async getPageSpans(documentId: string, range?: { from: number; to: number }): Promise<PageSpan[]> {
    const r = await this.pool.query<PageSpan>(
      `SELECT number, char_start AS start, char_end AS "end" FROM pages
       WHERE document_id = $1 AND number BETWEEN $2 AND $3 ORDER BY number`,
      [documentId, range?.from ?? 1, range?.to ?? 2_147_483_647],
    );
    return r.rows;
  }

  async countPages(documentId: string): Promise<number> {
    const r = await this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pages WHERE document_id = $1', [
      documentId,
    ]);
    return r.rows[0]!.n;
  }

  async getSentencesOnPage(documentId: string, page: number): Promise<Sentence[]> {
    const r = await this.pool.query(
      `SELECT idx AS "index", char_start AS start, char_end AS "end", page, text, section, role
       FROM sentences WHERE document_id = $1 AND page = $2 ORDER BY idx`,
      [documentId, page],
    );
    return r.rows.map(dropNullRole) as Sentence[];
  }

  async getSections(documentId: string): Promise<Section[]> {
    const r = await this.pool.query(
      `SELECT title, level, char_start AS start, char_end AS "end", page, role FROM sections
       WHERE document_id = $1 ORDER BY idx`,
      [documentId],
    );
    return r.rows.map(dropNullRole) as Section[];
  }

  async getGeometry(documentId: string, start: number, end: number): Promise<PageGeometry[] | null> {
    const r = await this.pool.query<GeometryRow>(
      `SELECT page, width, height, offsets, rects, ocr_confidence, ocr_words FROM page_geometry
       WHERE document_id = $1 AND char_start < $2 AND char_end > $3 ORDER BY page`,
      [documentId, end, start],
    );
    if (r.rows.length > 0) return r.rows.map(geometryOf);
    const any = await this.pool.query('SELECT 1 FROM page_geometry WHERE document_id = $1 LIMIT 1', [documentId]);
    return any.rowCount ? [] : null;
  }

  async countRows(documentId: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const t of CONTENT_TABLES) {
      const r = await this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t} WHERE document_id = $1`, [
        documentId,
      ]);
      out[t] = r.rows[0]!.n;
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
