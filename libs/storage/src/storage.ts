import { FsBlobStore } from './blob/fs-blob-store';
import type {
  ApiKeyRepository,
  BatchRepository,
  BlobStore,
  ContentRepository,
  DocumentRepository,
  ModelStateRepository,
  ResultRepository,
  TenantRepository,
} from './repositories';
import { SqliteApiKeyRepository } from './sqlite/api-key.repository';
import { SqliteBatchRepository } from './sqlite/batch.repository';
import { SqliteContentRepository } from './sqlite/content.repository';
import { openDatabase, type SqliteDatabase } from './sqlite/database';
import { SqliteDocumentRepository } from './sqlite/document.repository';
import { runMigrations, type MigrationSet } from './sqlite/migrate';
import { SqliteModelStateRepository } from './sqlite/model-state.repository';
import { SqliteResultRepository } from './sqlite/result.repository';
import { storageMigrations } from './sqlite/schema';
import { batchFileMigrations, modelStateMigrations } from './sqlite/state-schema';
import { SqliteTenantRepository } from './sqlite/tenant.repository';
import { PgApiKeyRepository } from './postgres/api-key.repository';
import { PgBatchRepository } from './postgres/batch.repository';
import { PgBlobStore } from './postgres/blob-store';
import { PgContentRepository } from './postgres/content.repository';
import { openPgPool, type PgPool } from './postgres/database';
import { PgDocumentRepository } from './postgres/document.repository';
import { runPgMigrations, type PgMigrationSet } from './postgres/migrate';
import { PgModelStateRepository } from './postgres/model-state.repository';
import { PgResultRepository } from './postgres/result.repository';
import { STORAGE_PG_SETS } from './postgres/schema';
import { PgTenantRepository } from './postgres/tenant.repository';

/** Every storage-owned SQLite set, in order (what a bare `openStorage` applies). */
export const STORAGE_SQLITE_SETS: MigrationSet[] = [storageMigrations, modelStateMigrations, batchFileMigrations];

export type StorageConnection = { backend: 'sqlite'; db: SqliteDatabase } | { backend: 'postgres'; pool: PgPool };

/** Everything the services need, behind interfaces. */
export interface Storage {
  readonly backend: 'sqlite' | 'postgres';
  tenants: TenantRepository;
  apiKeys: ApiKeyRepository;
  documents: DocumentRepository;
  content: ContentRepository;
  results: ResultRepository;
  batches: BatchRepository;
  modelStates: ModelStateRepository;
  blobs: BlobStore;
  /**
   * The database under these repositories, for libraries that own tables in the same database and
   * keep their repositories themselves (libs/retrieval builds its RetrievalRepository from it, since
   * libs/retrieval depends on libs/storage and not the other way round). Nothing else should use it.
   */
  readonly connection: StorageConnection;
  /** Resolves when the database answers a query (readiness checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenStorageOptions {
  databasePath: string;
  dataDir: string;
  /**
   * Migration sets to apply, storage's first. Apps pass `[storageMigrations, ...others]` so
   * retrieval/analysis tables live in the same file and may reference documents(id).
   * Default: STORAGE_SQLITE_SETS.
   */
  migrations?: MigrationSet[];
  readonly?: boolean;
}

/** SQLite storage: one file shared by every process on the machine, blobs under dataDir. */
export function openStorage(options: OpenStorageOptions): Storage {
  const db = openDatabase(options.databasePath, { readonly: options.readonly ?? false });
  if (!options.readonly) runMigrations(db, options.migrations ?? STORAGE_SQLITE_SETS);
  return {
    backend: 'sqlite',
    tenants: new SqliteTenantRepository(db),
    apiKeys: new SqliteApiKeyRepository(db),
    documents: new SqliteDocumentRepository(db),
    content: new SqliteContentRepository(db),
    results: new SqliteResultRepository(db),
    batches: new SqliteBatchRepository(db),
    modelStates: new SqliteModelStateRepository(db),
    blobs: new FsBlobStore(options.dataDir),
    connection: { backend: 'sqlite', db },
    ping: async () => {
      db.prepare('SELECT 1').get();
    },
    close: async () => {
      db.close();
    },
  };
}

export interface OpenPgStorageOptions {
  /** postgres://user:pass@host:port/db */
  databaseUrl: string;
  /** Staging and cache files only (uploads in tmp/, blob copies in cache/). */
  dataDir: string;
  /** PostgreSQL sets to apply, storage's first. Default: STORAGE_PG_SETS. */
  pgMigrations?: PgMigrationSet[];
  /** Pool size per process. */
  poolMax?: number;
}

/**
 * PostgreSQL storage: every row and blob in one database server that API replicas and workers on
 * several machines share (the apps' retrieval index too, see `connection`); dataDir holds only
 * staging and cache files, no database. Migrations run once under an advisory lock however many
 * processes start.
 */
export async function openPgStorage(options: OpenPgStorageOptions): Promise<Storage> {
  const pool: PgPool = openPgPool(options.databaseUrl, { max: options.poolMax });
  try {
    await runPgMigrations(pool, options.pgMigrations ?? STORAGE_PG_SETS);
  } catch (err) {
    await pool.end();
    throw err;
  }
  return {
    backend: 'postgres',
    tenants: new PgTenantRepository(pool),
    apiKeys: new PgApiKeyRepository(pool),
    documents: new PgDocumentRepository(pool),
    content: new PgContentRepository(pool),
    results: new PgResultRepository(pool),
    batches: new PgBatchRepository(pool),
    modelStates: new PgModelStateRepository(pool),
    blobs: new PgBlobStore(pool, options.dataDir),
    connection: { backend: 'postgres', pool },
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: async () => {
      await pool.end();
    },
  };
}
