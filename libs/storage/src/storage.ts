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

/** Every storage-owned SQLite set, in order (what a bare `openStorage` applies). */
export const STORAGE_SQLITE_SETS: MigrationSet[] = [storageMigrations, modelStateMigrations, batchFileMigrations];

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
   * The SQLite handle for libs/retrieval's tables, which are not behind a repository yet: the shared
   * database file when SQLite is the backend. Nothing else should use it.
   */
  sqlite: SqliteDatabase;
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
    sqlite: db,
    ping: async () => {
      db.prepare('SELECT 1').get();
    },
    close: async () => {
      db.close();
    },
  };
}
