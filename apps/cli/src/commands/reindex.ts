import { parseArgs } from 'node:util';
import { loadLiquidEmbedder, reindexDocuments } from '@elegans/retrieval';
import { openAppStorage } from '../../../shared/src/app-storage';
import { parseConfig } from '../../../shared/src/config';

export const summary =
  'reindex [--tenant T] [--all] [--json]: re-embed indexed documents after a model change (no re-parse)';

export const USAGE = `usage: elegans reindex [--db FILE] [--tenant ID] [--all] [--model DIR] [--json]

Re-embeds the passages and sentences already in the retrieval index with the current liquid model,
reading them back from the database (no re-parse), and replaces their vectors. With $DATABASE_URL
the index is the PostgreSQL one (every API process picks the new vectors up at its next search). By default only documents
without vectors of the current model version are processed; --all re-embeds everything.

options:
  --db FILE       SQLite file (default: $DATABASE_URL if set, else $DATABASE_PATH or $DATA_DIR/elegans.db)
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
  const env = parseConfig(process.env);
  const config = values.db ? { ...env, DATABASE_URL: undefined, DATABASE_PATH: values.db } : env;
  const database = config.DATABASE_URL ? redactUrl(config.DATABASE_URL) : config.DATABASE_PATH;
  const storage = await openAppStorage(config);
  let embedder: Awaited<ReturnType<typeof loadLiquidEmbedder>> | null = null;
  try {
    embedder = await loadLiquidEmbedder(values.model);
    const store = storage.retrieval;
    const before = await store.vectorVersions('passage');
    const res = await reindexDocuments(store, embedder, {
      tenantId: values.tenant,
      all: values.all,
      progress: (done, total) => {
        if (done === total || done % 25 === 0) process.stderr.write(`[reindex] ${done}/${total} documents\n`);
      },
    });
    const out = {
      database,
      ...res,
      vectorVersionsBefore: before,
      vectorVersionsAfter: await store.vectorVersions('passage'),
    };
    process.stdout.write(
      values.json
        ? `${JSON.stringify(out)}\n`
        : `reindexed ${res.documents} documents (${res.passages} passages, ${res.sentences} sentences) with ${res.modelVersion} in ${res.ms} ms; ${res.upToDate} already up to date\n`,
    );
  } finally {
    await embedder?.release();
    await storage.close();
  }
  return 0;
}

/** The URL without its password, for output. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres';
  }
}
