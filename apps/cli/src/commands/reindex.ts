import { parseArgs } from 'node:util';
import { loadLiquidEmbedder, reindexDocuments, RetrievalStore } from '@elegans/retrieval';
import { openDatabase, runMigrations } from '@elegans/storage';
import { parseConfig } from '../../../shared/src/config';
import { MIGRATION_SETS } from '../../../shared/src/migrations';

export const summary =
  'reindex [--tenant T] [--all] [--json]: re-embed indexed documents after a model change (no re-parse)';

export const USAGE = `usage: elegans reindex [--db FILE] [--tenant ID] [--all] [--model DIR] [--json]

Re-embeds the passages and sentences already in the retrieval index with the current liquid model,
reading them back from SQLite (no re-parse), and replaces their vectors. By default only documents
without vectors of the current model version are processed; --all re-embeds everything.

options:
  --db FILE       SQLite file (default: $DATABASE_PATH, else $DATA_DIR/elegans.db)
  --tenant ID     only this tenant's documents
  --all           re-embed documents that are already on the current version too
  --model DIR     model folder (default: models/liquid or $ELEGANS_MODEL_DIR)
  --json          print one JSON object on stdout
`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      tenant: { type: 'string' },
      all: { type: 'boolean', default: false },
      model: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stderr.write(USAGE);
    return 0;
  }
  const path = values.db ?? parseConfig(process.env).DATABASE_PATH;
  const db = openDatabase(path);
  runMigrations(db, MIGRATION_SETS);
  const embedder = await loadLiquidEmbedder(values.model);
  try {
    const store = new RetrievalStore(db);
    const before = store.vectorVersions('passage');
    const res = await reindexDocuments(store, embedder, {
      tenantId: values.tenant,
      all: values.all,
      progress: (done, total) => {
        if (done === total || done % 25 === 0) process.stderr.write(`[reindex] ${done}/${total} documents\n`);
      },
    });
    const out = {
      database: path,
      ...res,
      vectorVersionsBefore: before,
      vectorVersionsAfter: store.vectorVersions('passage'),
    };
    process.stdout.write(
      values.json
        ? `${JSON.stringify(out)}\n`
        : `reindexed ${res.documents} documents (${res.passages} passages, ${res.sentences} sentences) with ${res.modelVersion} in ${res.ms} ms; ${res.upToDate} already up to date\n`,
    );
  } finally {
    await embedder.release();
    db.close();
  }
  return 0;
}
