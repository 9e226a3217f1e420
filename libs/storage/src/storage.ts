import { SqliteTenantRepository } from './sqlite/tenant.repository';
import { FsBlobStore } from './blob/fs-blob-store';
import type {
  ApiKeyRepository,
  BlobStore,
  ContentRepository,
  DocumentRepository,
  ResultRepository,
  TenantRepository,
} from './repositories';
import { SqliteApiKeyRepository } from './sqlite/api-key.repository';
import { SqliteContentRepository } from './sqlite/content.repository';
import { openDatabase, type SqliteDatabase } from './sqlite/database';
import { SqliteDocumentRepository } from './sqlite/document.repository';
import { runMigrations, type MigrationSet } from './sqlite/migrate';
import { storageMigrations } from './sqlite/schema';
import { SqliteResultRepository } from './sqlite/result.repository';

/** Everything the services need, behind interfaces; `sqlite` is the shared handle for libs with their own tables. */
export interface Storage {
  tenants: TenantRepository;
  apiKeys: ApiKeyRepository;
  documents: DocumentRepository;
  content: ContentRepository;
  results: ResultRepository;
  blobs: BlobStore;
  sqlite: SqliteDatabase;
  close(): void;
}

export interface OpenStorageOptions {
  databasePath: string;
  dataDir: string;
  /**
   * Migration sets to apply, storage's first. Apps pass `[storageMigrations, ...others]` so
   * retrieval/analysis tables live in the same file and may reference documents(id).
   */
  migrations?: MigrationSet[];
  readonly?: boolean;
}

export function openStorage(options: OpenStorageOptions): Storage {
  const db = openDatabase(options.databasePath, { readonly: options.readonly ?? false });
  if (!options.readonly) runMigrations(db, options.migrations ?? [storageMigrations]);
  return {
    tenants: new SqliteTenantRepository(db),
    apiKeys: new SqliteApiKeyRepository(db),
    documents: new SqliteDocumentRepository(db),
    content: new SqliteContentRepository(db),
    results: new SqliteResultRepository(db),
    blobs: new FsBlobStore(options.dataDir),
    sqlite: db,
    close: () => db.close(),
  };
}
