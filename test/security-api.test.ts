import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from '../apps/api/src/app.module';
import { parseConfig } from '../apps/shared/src/config';
import { createLogger } from '../apps/shared/src/logger';
import { query } from './support/db';
import { makePdf } from './support/fixtures';
import { auth, upload, waitForStatus, type Doc } from './support/http';
import { createKey, makeEnv, startApi, startWorker, type Api, type Env, type Service } from './support/services';

interface Operation {
  method: string;
  path: string;
  params: string[];
  /** Required query parameters, small valid values in increasing order (a range start < end holds), so validation passes and isolation is what answers. */
  query: Record<string, string>;
  body?: { type: 'json'; schema: Schema } | { type: 'multipart' };
}
interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  items?: Schema;
  minimum?: number;
  example?: unknown;
}

/** Every route the running API serves, from its own OpenAPI document (new controllers are covered as they land). */
async function operations(base: string): Promise<Operation[]> {
  const doc = (await (await fetch(`${base}/docs/openapi.json`)).json()) as {
    paths: Record<
      string,
      Record<
        string,
        {
          requestBody?: { content?: Record<string, { schema?: Schema }> };
          parameters?: { in: string; name: string; required?: boolean; schema?: Schema }[];
        }
      >
    >;
  };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const content = op.requestBody?.content ?? {};
      const body = content['multipart/form-data']
        ? ({ type: 'multipart' } as const)
        : content['application/json']
          ? ({ type: 'json', schema: content['application/json'].schema ?? {} } as const)
          : method === 'post' || method === 'put' || method === 'patch'
            ? ({ type: 'json', schema: {} } as const)
            : undefined;
      ops.push({
        method: method.toUpperCase(),
        path,
        params: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
        query: Object.fromEntries(
          (op.parameters ?? [])
            .filter((p) => p.in === 'query' && p.required)
            .map((p, i) => [p.name, String(p.schema?.enum?.[0] ?? (p.schema?.minimum ?? 0) + i)]),
        ),
        ...(body ? { body } : {}),
      });
    }
  }
  return ops;
}

/**
 * A request body aimed at the victim's data: ids of the victim's document wherever an id fits,
 * the victim's unique phrase wherever text fits. Required fields are filled so validation passes.
 */
function hostileBody(schema: Schema, docId: string, phrase: string, collection: string): Record<string, unknown> {
  const props = schema.properties ?? {};
  if (Object.keys(props).length === 0) {
    return {
      query: phrase,
      question: phrase,
      messages: [{ role: 'user', content: phrase }],
      documentIds: [docId],
      documentId: docId,
      collection,
    };
  }
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(props)) {
    const required = schema.required?.includes(name) ?? false;
    if (/ids$/i.test(name) && p.type === 'array') out[name] = [docId];
    else if (/id$/i.test(name) && p.type === 'string') out[name] = docId;
    else if (name === 'collection') out[name] = collection;
    else if (name === 'messages') out[name] = [{ role: 'user', content: phrase }];
    else if (!required) continue;
    else if (p.enum) out[name] = p.enum[0];
    else if (p.type === 'string') out[name] = phrase;
    else if (p.type === 'integer' || p.type === 'number') out[name] = p.minimum ?? 1;
    else if (p.type === 'array') out[name] = p.items?.type === 'string' ? [phrase] : [];
    else if (p.example !== undefined) out[name] = p.example;
  }
  return out;
}

async function call(base: string, key: string, op: Operation, id: string, body: Record<string, unknown>) {
  let url = base + op.path;
  for (const p of op.params) url = url.replace(`{${p}}`, encodeURIComponent(id));
  if (Object.keys(op.query).length > 0) url += `?${new URLSearchParams(op.query)}`;
  const init: RequestInit = { method: op.method, headers: auth(key), signal: AbortSignal.timeout(30_000) };
  if (op.body?.type === 'json') {
    init.headers = { ...auth(key), 'Content-Type': 'application/json' };
    init.body = JSON.stringify(body);
  } else if (op.body?.type === 'multipart') {
    const form = new FormData();
    form.set('file', new Blob([`probe ${randomBytes(6).toString('hex')}`]), 'probe.txt');
    init.body = form;
  }
  const res = await fetch(url, init);
  return { status: res.status, text: await res.text(), headers: res.headers };
}

describe('security: tenant isolation on every route, names, headers, rate limits, logs', () => {
  let env: Env;
  let api: Api;
  let worker: Service;
  let alice: string;
  let bob: string;
  let aliceDoc: Doc;
  const phrase = `quokkaphrase${randomBytes(5).toString('hex')}`;
  /** In alice's document next to the phrase, never sent by bob: seeing it means seeing her text. */
  const hidden = `hiddenword${randomBytes(5).toString('hex')}`;
  const collection = `alicecoll${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    env = makeEnv();
    alice = createKey(env, 'alice');
    bob = createKey(env, 'bob');
    [api, worker] = await Promise.all([startApi(env), startWorker(env)]);
    const up = await upload(api.url, alice, await makePdf(2, 6, `${phrase} ${hidden}`), {
      collection,
      filename: 'alice-secret-plan.pdf',
    });
    expect(up.status).toBe(202);
    aliceDoc = await waitForStatus(api.url, alice, up.body.id as string, (d) => d.status === 'ready', 120_000);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    env?.cleanup();
  });

  it('every route (enumerated from OpenAPI) hides alice’s data from bob', async () => {
    const ops = await operations(api.url);
    const names = ops.map((o) => `${o.method} ${o.path}`);
    // The enumeration is real: the document routes are there (others join as their controllers land).
    expect(names).toEqual(
      expect.arrayContaining([
        'POST /v1/documents',
        'GET /v1/documents',
        'GET /v1/documents/{id}',
        'GET /v1/documents/{id}/events',
        'DELETE /v1/documents/{id}',
      ]),
    );
    // Resources alice creates through the collection routes (a batch…): bob then aims at those ids.
    const owned = new Map<string, string>([['/v1/documents', aliceDoc.id]]);
    for (const op of ops) {
      if (op.method !== 'POST' || op.params.length > 0 || owned.has(op.path)) continue;
      const body = op.body?.type === 'json' ? hostileBody(op.body.schema, aliceDoc.id, phrase, collection) : {};
      const created = await call(api.url, alice, op, '', body);
      const id = created.status < 300 ? (JSON.parse(created.text) as { id?: unknown }).id : undefined;
      if (typeof id === 'string') owned.set(op.path, id);
    }
    const targetOf = (op: Operation) => {
      const base = op.path.split('/{')[0]!;
      return owned.get(base) ?? aliceDoc.id;
    };
    // What bob sends (alice's id, the phrase) may be echoed back; alice's text, name and hash may not.
    const secrets = [
      hidden,
      'alice-secret-plan',
      aliceDoc.contentHash,
      ...[...owned.values()].filter((v) => v !== aliceDoc.id),
    ];
    const unsent = (text: string) => text.replaceAll(aliceDoc.id, '<sent-id>').replaceAll(phrase, '<sent-phrase>');
    const report: string[] = [];
    let controls = 0;
    // DELETE last: bob's attempt must fail, and alice's document must survive it.
    const ordered = [...ops.filter((o) => o.method !== 'DELETE'), ...ops.filter((o) => o.method === 'DELETE')];
    for (const op of ordered) {
      const body = op.body?.type === 'json' ? hostileBody(op.body.schema, aliceDoc.id, phrase, collection) : {};
      const target = targetOf(op);
      const asBob = await call(api.url, bob, op, target, body);
      const label = `${op.method} ${op.path} → ${asBob.status}`;
      report.push(label);
      expect(asBob.status, label).toBeLessThan(500);
      const seen = unsent(asBob.text.replaceAll(target, '<sent-id>'));
      for (const s of secrets) expect(seen, `${label} leaks ${s}`).not.toContain(s);
      if (op.params.length > 0) {
        expect(asBob.status, label).toBe(404);
        expect(JSON.parse(asBob.text).code, label).toBe('not_found');
        // Indistinguishable from an id that never existed.
        const fake = `doc_${randomBytes(16).toString('hex')}`;
        const never = await call(api.url, bob, op, fake, body);
        expect(never.status, label).toBe(404);
        expect(unsent(never.text.replaceAll(fake, '<sent-id>')), label).toBe(seen);
      }
      // Positive control: the same request with alice's key reaches her data (so bob's 404 means isolation,
      // not a broken route).
      if (op.method !== 'DELETE' && op.body?.type !== 'multipart') {
        const asAlice = await call(api.url, alice, op, target, body);
        if (asAlice.status >= 200 && asAlice.status < 300 && secrets.some((s) => unsent(asAlice.text).includes(s)))
          controls++;
      }
    }
    // GET list, GET one and events at least showed alice her document while hiding it from bob.
    expect(controls, report.join('\n')).toBeGreaterThanOrEqual(3);
    expect((await fetch(`${api.url}/v1/documents/${aliceDoc.id}`, { headers: auth(alice) })).status).toBe(200);
    console.log(
      `isolation: owned ${JSON.stringify([...owned])}; ${ops.length} routes checked, ${controls} with a positive control\n${report.join('\n')}`,
    );
  });

  it('the OpenAPI document lists every route the Nest router serves (so the isolation check misses none)', async () => {
    // Build the real application module in-process (no listening socket) and read Express's router.
    const config = parseConfig({ ...env.vars, LOG_LEVEL: 'silent' });
    const app = await NestFactory.create(AppModule.forRoot(config, createLogger('api', 'silent')), { logger: false });
    try {
      await app.init();
      const express = app.getHttpAdapter().getInstance() as {
        router?: { stack: Layer[] };
        _router?: { stack: Layer[] };
      };
      interface Layer {
        route?: { path: string; methods: Record<string, boolean> };
      }
      const stack = (express.router ?? express._router)!.stack;
      const served = stack
        .filter((l) => l.route)
        .flatMap((l) =>
          Object.keys(l.route!.methods)
            .filter((m) => m !== '_all')
            .map((m) => `${m.toUpperCase()} ${l.route!.path.replace(/:(\w+)/g, '{$1}')}`),
        )
        .sort();
      const documented = (await operations(api.url)).map((o) => `${o.method} ${o.path}`).sort();
      expect(served.length).toBeGreaterThanOrEqual(5);
      expect(served).toEqual(documented);
    } finally {
      await app.close();
    }
  });

  it('upload names are metadata only: no path is ever built from them', async () => {
    const passwd = readFileSync('/etc/passwd');
    const outside = join(env.dataDir, '..', `elegans-evil-${randomBytes(4).toString('hex')}`);
    const names = ['../../etc/passwd', '..\\..\\windows\\win.ini', outside, 'a/../../b.txt', '%2e%2e%2fescape.txt'];
    const ids: string[] = [];
    for (const [i, name] of names.entries()) {
      const up = await upload(api.url, alice, new TextEncoder().encode(`name probe ${i} ${phrase}`), {
        filename: name,
      });
      expect(up.status, name).toBe(202);
      ids.push(up.body.id as string);
      const stored = query<{ filename: string | null }>(
        env.dbPath,
        'SELECT filename FROM documents WHERE id = ?',
        up.body.id,
      );
      // Kept as metadata (the client's name or its last segment), never resolved against the disk.
      expect(stored[0]!.filename, name).toBeTruthy();
    }
    await Promise.all(
      ids.map((id) => waitForStatus(api.url, alice, id, (d) => d.status === 'ready' || d.status === 'failed')),
    );
    expect(readFileSync('/etc/passwd').equals(passwd)).toBe(true);
    expect(existsSync(outside)).toBe(false);
    // Everything under DATA_DIR is the database, content-addressed blobs or the staging folder.
    const files = (readdirSync(env.dataDir, { recursive: true }) as string[])
      .map((f) => relative(env.dataDir, join(env.dataDir, f)))
      .filter((f) => statSync(join(env.dataDir, f)).isFile());
    for (const f of files) {
      expect(f, `unexpected file ${f}`).toMatch(
        /^(elegans\.db(-wal|-shm)?|blobs\/[0-9a-f]{2}\/[0-9a-f]{64}|models?\/.*)$/,
      );
    }
    const blobs = files.filter((f) => f.startsWith('blobs/'));
    for (const b of blobs) {
      const hash = b.split('/')[2]!;
      expect(
        createHash('sha256')
          .update(readFileSync(join(env.dataDir, b)))
          .digest('hex'),
      ).toBe(hash);
    }
  });

  it('security headers on answers, errors and probes alike; no x-powered-by', async () => {
    for (const [url, headers] of [
      [`${api.url}/health/live`, {}],
      [`${api.url}/v1/documents`, auth(alice)],
      [`${api.url}/v1/documents`, {}], // 401
      [`${api.url}/v1/nothing-here`, auth(alice)], // 404
    ] as const) {
      const res = await fetch(url, { headers });
      expect(res.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(res.headers.get('content-security-policy'), url).toContain("default-src 'self'");
      expect(res.headers.get('x-frame-options'), url).toBe('SAMEORIGIN');
      expect(res.headers.get('strict-transport-security'), url).toMatch(/max-age=\d+/);
      expect(res.headers.get('referrer-policy'), url).toBe('no-referrer');
      expect(res.headers.get('cross-origin-opener-policy'), url).toBe('same-origin');
      expect(res.headers.get('x-powered-by'), url).toBeNull();
    }
  });

  it('per-key rate limit: 429 with Retry-After past the limit, other keys and probes unaffected, shared across replicas', async () => {
    // Two more API replicas with a small limit: the counter lives in Redis, so both count together.
    const extra = { RATE_LIMIT_MAX: '6', RATE_LIMIT_WINDOW_MS: '4000' };
    const [a1, a2] = await Promise.all([startApi(env, extra), startApi(env, extra)]);
    const carol = createKey(env, 'carol');
    const dave = createKey(env, 'dave');
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await fetch(`${(i % 2 ? a1 : a2).url}/v1/documents`, { headers: auth(carol) });
        statuses.push(res.status);
        expect(res.headers.get('x-ratelimit-limit')).toBe('6');
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
      const limited = await fetch(`${a1.url}/v1/documents`, { headers: auth(carol) });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      const body = (await limited.json()) as Record<string, unknown>;
      expect(body.code).toBe('rate_limited');
      expect(limited.headers.get('content-type')).toContain('application/problem+json');
      // Uploads count too, and are refused before anything is stored.
      const before = query(env.dbPath, 'SELECT id FROM documents').length;
      expect((await upload(a2.url, carol, new TextEncoder().encode(`limited ${phrase}`))).status).toBe(429);
      expect(query(env.dbPath, 'SELECT id FROM documents')).toHaveLength(before);
      // Another key is not affected, nor are the probes.
      expect((await fetch(`${a1.url}/v1/documents`, { headers: auth(dave) })).status).toBe(200);
      for (let i = 0; i < 10; i++) expect((await fetch(`${a1.url}/health/live`)).status).toBe(200);
      // The block ends: after Retry-After the key may call again.
      await new Promise((r) => setTimeout(r, (Number(limited.headers.get('retry-after')) + 0.5) * 1000));
      expect((await fetch(`${a2.url}/v1/documents`, { headers: auth(carol) })).status).toBe(200);
    } finally {
      await Promise.all([a1.stop(), a2.stop()]);
    }
  });

  it('logs carry neither keys nor document text', async () => {
    // A failed request with a wrong key and a malformed body that contains the phrase, to tempt the error paths.
    await fetch(`${api.url}/v1/documents`, { headers: auth(`${alice}x`) });
    await fetch(`${api.url}/v1/documents`, {
      method: 'POST',
      headers: { ...auth(alice), 'Content-Type': 'application/json' },
      body: `{"text": "${phrase}`,
    });
    await upload(api.url, alice, new TextEncoder().encode(`x`), { metadata: `{${phrase}` });
    const logs = api.output() + worker.output();
    expect(logs.length).toBeGreaterThan(1000); // the processes did log (requests, stages)
    expect(logs).toContain(aliceDoc.id);
    const secretPart = alice.split('_').pop()!;
    for (const secret of [alice, bob, secretPart, phrase, hidden]) {
      expect(logs.includes(secret), `logs contain ${secret.slice(0, 8)}…`).toBe(false);
    }
  });
});
