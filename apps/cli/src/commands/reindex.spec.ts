import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifest, defaultModelDir } from '@elegans/model';
import { RetrievalStore } from '@elegans/retrieval';
import { openDatabase, runMigrations } from '@elegans/storage';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MIGRATION_SETS } from '../../../shared/src/migrations';
import { run } from './reindex';

describe('elegans reindex', () => {
  const dirs: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('re-embeds stored units whose vectors are from another model version, then has nothing to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'elegans-reindex-'));
    dirs.push(dir);
    const path = join(dir, 'elegans.db');
    const db = openDatabase(path);
    runMigrations(db, MIGRATION_SETS);
    const store = new RetrievalStore(db);
    const text = 'Shock waves form ahead of a blunt body in supersonic flow.';
    const stale = Float32Array.from({ length: 4 }, () => 0.5);
    store.indexDocument({
      tenantId: 't1',
      documentId: 'doc-1',
      passages: [
        { index: 0, start: 0, end: text.length, pageStart: 1, pageEnd: 1, text, sentenceStart: 0, sentenceEnd: 1 },
      ],
      sentences: [{ index: 0, start: 0, end: text.length, page: 1, text, boundary: 'page' }],
      vectors: { modelVersion: 'cfc-old', passages: [stale], sentences: [stale] },
    });
    db.close();

    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const version = loadManifest(defaultModelDir()).version;
    expect(await run(['--db', path, '--json'])).toBe(0);
    const first = JSON.parse(out.join('')) as Record<string, unknown>;
    expect(first).toMatchObject({
      modelVersion: version,
      documents: 1,
      passages: 1,
      sentences: 1,
      vectorVersionsBefore: { 'cfc-old': 1 },
      vectorVersionsAfter: { [version]: 1 },
    });
    out.length = 0;
    expect(await run(['--db', path, '--json'])).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ documents: 0, upToDate: 1 });

    const check = openDatabase(path);
    const row = check.prepare("SELECT dim, model_version AS v FROM rt_vectors WHERE kind = 'passage'").get() as {
      dim: number;
      v: string;
    };
    check.close();
    expect(row).toEqual({ dim: loadManifest(defaultModelDir()).featureDim, v: version });
  });
});
