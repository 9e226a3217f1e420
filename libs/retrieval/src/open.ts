import type { Storage } from '@elegans/storage';
import type { Stemmer } from './pg-lexical';
import { PgRetrievalRepository } from './pg-repository';
import type { RetrievalRepository } from './repository';
import { SqliteRetrievalRepository } from './store';

/**
 * The retrieval repository over a Storage's own database: SQLite (FTS5) in the shared SQLite file, or
 * PostgreSQL (BM25 in SQL) on the storage's pool, so every process of a PostgreSQL deployment, on any
 * machine, reads and writes one index. The schema must already be migrated (the apps' migration sets
 * include retrieval's). `requireDocument` (default true): only index documents that exist in storage.
 */
export function retrievalRepositoryFor(
  storage: Storage,
  options: { stem: Stemmer; requireDocument?: boolean },
): RetrievalRepository {
  const c = storage.connection;
  const requireDocument = options.requireDocument ?? true;
  if (c.backend === 'sqlite') return new SqliteRetrievalRepository(c.db, { requireDocument });
  return new PgRetrievalRepository(c.pool, { stem: options.stem, requireDocument });
}
