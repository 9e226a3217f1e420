import { ElegansError } from '@elegans/common';
import type { DocumentFlag, DocumentFormat, ParsedDocument } from '@elegans/ingest';
import type { ContentRepository } from '../repositories';
import type { StoredPage } from '../types';
import type { SqliteDatabase } from './database';

/** Tables (owned by storage) that hold one document's parsed structure. */
export const CONTENT_TABLES = ['document_texts', 'pages', 'sections', 'sentences', 'passages', 'results'] as const;

function isForeignKeyError(err: unknown): boolean {
  return (err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

export class SqliteContentRepository implements ContentRepository {
  constructor(private readonly db: SqliteDatabase) {}

  async replaceParsed(documentId: string, parsed: ParsedDocument): Promise<void> {
    const db = this.db;
    const write = db.transaction(() => {
      for (const t of ['document_texts', 'pages', 'sections', 'sentences', 'passages']) {
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
