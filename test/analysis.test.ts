import { NOTES_BOOK_PAGES, REPORT_PAGES } from '@elegans/analysis';
import { parseDocument, type ParsedDocument } from '@elegans/ingest';
import { makePdf } from '@elegans/ingest/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute } from './support/db';
import { auth, getJson, upload, waitForStatus } from './support/http';
import { createKey, makeEnv, startApi, startWorker, type Api, type Env, type Service } from './support/services';

function batchForm(): FormData {
  const form = new FormData();
  form.append(
    'files',
    new Blob([new TextEncoder().encode('A short note about tenancy. It stays private.')]),
    'note.txt',
  );
  return form;
}

/**
 * Summaries, answers, chat and batches against real processes (redis, API, worker) and the real
 * model, on a generated three-page report whose facts sit on known pages.
 */
describe('analysis over the API: summaries, ask, chat, batches', () => {
  let env: Env;
  let api: Api;
  let worker: Service;
  let key: string;
  let pdf: Uint8Array;
  let parsed: ParsedDocument;
  let docId: string;

  beforeAll(async () => {
    env = makeEnv();
    key = createKey(env, 'analysts');
    [api, worker] = await Promise.all([startApi(env), startWorker(env)]);
    pdf = await makePdf({
      pages: REPORT_PAGES.map((p) => ({ heading: p.heading, lines: p.lines })),
      outline: REPORT_PAGES.map((p, i) => ({ title: p.heading, page: i + 1 })),
    });
    // The same parser the worker runs: offsets in API answers must index this text.
    parsed = await parseDocument(pdf, { filename: 'report.pdf' });
    const up = await upload(api.url, key, pdf, { filename: 'report.pdf', collection: 'lakes' });
    expect(up.status).toBe(202);
    docId = up.body.id as string;
    const doc = await waitForStatus(api.url, key, docId, (d) => d.status === 'ready' || d.status === 'failed');
    expect(doc.status).toBe('ready');
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    env?.cleanup();
  });

  const pageOf = (offset: number) => parsed.pages.find((p) => offset >= p.start && offset < p.end)?.number;

  it('serves the stored summary, each sentence cited at its page and exact offsets', async () => {
    const r = await getJson(`${api.url}/v1/documents/${docId}/summary`, key);
    expect(r.status).toBe(200);
    const summary = r.body.summary as {
      text: string;
      page: number;
      start: number;
      end: number;
      citation: { documentId: string };
    }[];
    expect(summary.length).toBeGreaterThanOrEqual(3);
    expect(r.body.onDemand).toBe(false);
    for (const s of summary) {
      expect(parsed.text.slice(s.start, s.end)).toBe(s.text);
      expect(s.page).toBe(pageOf(s.start));
      expect(s.citation.documentId).toBe(docId);
    }
    expect(new Set(summary.map((s) => s.page)).size).toBeGreaterThan(1);
  });

  it('computes other lengths on demand and rejects a malformed one', async () => {
    const two = await getJson(`${api.url}/v1/documents/${docId}/summary?length=2`, key);
    expect(two.status).toBe(200);
    expect(two.body.onDemand).toBe(true);
    const s2 = two.body.summary as { text: string; start: number; end: number }[];
    expect(s2).toHaveLength(2);
    for (const s of s2) expect(parsed.text.slice(s.start, s.end)).toBe(s.text);
    const words = await getJson(`${api.url}/v1/documents/${docId}/summary?length=25w`, key);
    expect(words.status).toBe(200);
    const w = (words.body.summary as { text: string }[]).reduce((n, s) => n + s.text.split(/\s+/).length, 0);
    expect(w <= 25 || (words.body.summary as unknown[]).length === 1).toBe(true);
    const bad = await getJson(`${api.url}/v1/documents/${docId}/summary?length=lots`, key);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
    const missing = await getJson(`${api.url}/v1/documents/doc_nope/summary`, key);
    expect(missing.status).toBe(404);
  });

  const ask = async (body: unknown, as = key) => {
    const res = await fetch(`${api.url}/v1/ask`, {
      method: 'POST',
      headers: { ...auth(as), 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('answers a question about the whole document from its stored summary, every sentence cited', async () => {
    const stored = await getJson(`${api.url}/v1/documents/${docId}/summary`, key);
    const sentences = stored.body.summary as { text: string; page: number; start: number; end: number }[];
    const r = await ask({ question: 'What is this document about?', documentIds: [docId] });
    expect(r.status).toBe(200);
    expect(r.body.source).toBe('summary');
    expect(r.body.answer).toBe(sentences.map((s) => s.text).join(' '));
    const cites = r.body.citations as { documentId: string; page: number; start: number; end: number; text: string }[];
    expect(cites.length).toBe(sentences.length);
    for (const c of cites) {
      expect(c.documentId).toBe(docId);
      expect(parsed.text.slice(c.start, c.end)).toBe(c.text);
    }
    const particular = await ask({ question: 'In what year did the survey of Lake Veronne begin?' });
    expect(particular.body.source).toBe('sentences');
  });

  it('answers an answerable question with a correct citation, and abstains on an unanswerable one', async () => {
    const yes = await ask({ question: 'In what year did the survey of Lake Veronne begin?' });
    expect(yes.status).toBe(200);
    expect(yes.body.answer).toContain('1987');
    const c = (
      yes.body.citations as { documentId: string; page: number; start: number; end: number; text: string }[]
    )[0]!;
    expect(c.documentId).toBe(docId);
    expect(c.page).toBe(2);
    expect(parsed.text.slice(c.start, c.end)).toBe(c.text);
    expect((yes.body.highlight as { text: string }).text).toBe('1987');
    expect((yes.body.supportingPassages as unknown[]).length).toBeGreaterThan(0);
    expect(yes.body.confidence as number).toBeGreaterThan(0.5);

    const no = await ask({ question: 'Who won the 1966 football World Cup final?' });
    expect(no.status).toBe(200);
    expect(no.body.answer).toBeNull();
    expect(typeof no.body.reason).toBe('string');
    expect(no.body.citations).toEqual([]);
    expect(no.body.confidence as number).toBeLessThan(yes.body.confidence as number);

    const other = await ask({
      question: 'In what year did the survey of Lake Veronne begin?',
      collection: 'none-such',
    });
    expect(other.body.answer).toBeNull();
    const bad = await ask({ question: '' });
    expect(bad.status).toBe(400);
  });

  it('cites the body over an endnote that answers as well, and answers "Who is X?" with the defining sentence', async () => {
    // Its own tenant, so the other tests' questions never see this document.
    const reader = createKey(env, 'readers');
    const book = await makePdf({
      pages: NOTES_BOOK_PAGES.map((p) => ({ heading: p.heading, lines: p.lines })),
      outline: NOTES_BOOK_PAGES.map((p, i) => ({ title: p.heading, page: i + 1 })),
    });
    const bookText = (await parseDocument(book, { filename: 'book.pdf' })).text;
    const up = await upload(api.url, reader, book, { filename: 'book.pdf' });
    const bookId = up.body.id as string;
    expect(
      (await waitForStatus(api.url, reader, bookId, (d) => d.status === 'ready' || d.status === 'failed')).status,
    ).toBe('ready');
    type Cite = { documentId: string; page: number; start: number; end: number; text: string };
    const cited = (r: { body: Record<string, unknown> }) => (r.body.citations as Cite[])[0];

    const question = 'When did Jack Valenti give testimony on home recording to the subcommittee?';
    const roled = await ask({ question }, reader);
    expect(roled.status).toBe(200);
    // Both the body sentence (page 2) and endnote 4 (page 3) answer; the body one is cited.
    expect((roled.body.supportingPassages as Cite[]).map((p) => p.page)).toContain(3);
    expect(cited(roled)).toMatchObject({ documentId: bookId, page: 2 });
    expect(cited(roled)!.text).toBe(NOTES_BOOK_PAGES[1]!.lines[1]);
    expect(bookText.slice(cited(roled)!.start, cited(roled)!.end)).toBe(cited(roled)!.text);
    expect((roled.body.highlight as Cite).text).toBe('April 1982');

    const who = await ask({ question: 'Who is Jack Valenti?' }, reader);
    expect((who.body.supportingPassages as Cite[]).map((p) => p.page)).toContain(3);
    expect(who.body.answer).toBe('Jack Valenti was the president of the Motion Picture Association of America.');
    expect(cited(who)).toMatchObject({ documentId: bookId, page: 1 });

    // The same document as if indexed before retrieval stored roles: the endnote answers, so the
    // body citation above is the role rule at work in /v1/ask, not the ranking alone.
    expect(execute(env.dbPath, 'UPDATE rt_sentences SET role = NULL WHERE document_id = ?', bookId)).toBeGreaterThan(0);
    const plain = await ask({ question }, reader);
    expect(cited(plain)).toMatchObject({ page: 3, text: NOTES_BOOK_PAGES[2]!.lines[3] });
  });

  it('chats through the official openai client, plain and streaming, with citations', async () => {
    const client = new OpenAI({ apiKey: key, baseURL: `${api.url}/v1`, maxRetries: 0 });
    const messages = [
      { role: 'user' as const, content: 'Tell me about the Lake Veronne survey.' },
      { role: 'assistant' as const, content: 'It measures water quality.' },
      { role: 'user' as const, content: 'In what year did the survey of Lake Veronne begin?' },
    ];
    const done = await client.chat.completions.create({ model: 'elegans:lakes', messages });
    expect(done.object).toBe('chat.completion');
    expect(done.choices[0]!.message.content).toContain('1987');
    const cites = (done as unknown as { citations: { index: number; page: number; documentId: string }[] }).citations;
    expect(cites[0]).toMatchObject({ index: 1, page: 2, documentId: docId });

    const stream = await client.chat.completions.create({ model: 'elegans', messages, stream: true });
    let text = '';
    let chunks = 0;
    let last: unknown = null;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta?.content ?? '';
      last = chunk;
    }
    expect(chunks).toBeGreaterThan(3);
    expect(text).toBe(done.choices[0]!.message.content);
    expect((last as { citations: { page: number }[] }).citations[0]!.page).toBe(2);

    // A follow-up that only makes sense with the previous turn.
    const follow = await client.chat.completions.create({
      model: 'elegans',
      messages: [
        { role: 'user', content: 'Tell me about the survey of Lake Veronne.' },
        { role: 'assistant', content: 'It measures water quality every summer.' },
        { role: 'user', content: 'When did it begin?' },
      ],
    });
    expect(follow.choices[0]!.message.content).toContain('1987');

    await expect(client.chat.completions.create({ model: 'gpt-4o', messages })).rejects.toMatchObject({ status: 400 });

    // The model picker of a chat frontend: the whole corpus plus one model per collection of this tenant.
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toContain('elegans');
    expect(ids).toContain('elegans:lakes');
    expect(ids.every((id) => id === 'elegans' || id.startsWith('elegans:'))).toBe(true);
    const lakes = await client.models.retrieve('elegans:lakes');
    expect(lakes).toMatchObject({ id: 'elegans:lakes', object: 'model', owned_by: 'elegans' });
    expect(lakes.created).toBeGreaterThan(1_700_000_000);
    await expect(client.models.retrieve('elegans:none-such')).rejects.toMatchObject({ status: 404 });
  });

  it('runs a batch with one corrupt file to completion, with per-document results', async () => {
    const form = new FormData();
    const good = await makePdf({
      pages: [['Batch document one.', 'The harbour opened in 1901 after ten years of work.']],
    });
    const corrupt = new TextEncoder().encode('%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ngarbage\n');
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
    form.append('files', new Blob([good]), 'good.pdf');
    form.append('files', new Blob([corrupt]), 'corrupt.pdf');
    form.append('files', new Blob([png]), 'image.png');
    form.append('files', new Blob([pdf]), 'report-again.pdf');
    const res = await fetch(`${api.url}/v1/batches`, { method: 'POST', headers: auth(key), body: form });
    expect(res.status).toBe(202);
    const batch = (await res.json()) as { id: string; total: number; links: { results: string } };
    expect(batch.total).toBe(4);

    let view: Record<string, unknown> = {};
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      view = (await getJson(`${api.url}/v1/batches/${batch.id}`, key)).body;
      if (view.status !== 'processing') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(view.status).toBe('completed_with_errors');
    expect(view.progress).toBe(100);
    const docs = view.documents as {
      filename: string;
      status: string;
      documentId: string | null;
      error: { code: string } | null;
    }[];
    expect(docs.map((d) => d.filename)).toEqual(['good.pdf', 'corrupt.pdf', 'image.png', 'report-again.pdf']);
    expect(docs.map((d) => d.status)).toEqual(['ready', 'failed', 'rejected', 'ready']);
    expect(docs[1]!.error?.code).toBe('pdf_corrupt');
    expect(docs[2]!.error?.code).toBe('unsupported_media_type');
    expect(docs[3]!.documentId).toBe(docId); // same content: deduplicated, not a second copy

    const out = await fetch(`${api.url}${batch.links.results}`, { headers: auth(key) });
    expect(out.headers.get('content-type')).toMatch(/ndjson/);
    const lines = (await out.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ filename: 'good.pdf', status: 'ready', error: null });
    expect((lines[0]!.summary as { text: string }[]).map((s) => s.text).join(' ')).toContain('1901');
    expect(lines[1]).toMatchObject({ status: 'failed', summary: null, error: { code: 'pdf_corrupt' } });
    expect(lines[2]).toMatchObject({ status: 'rejected', id: null });
    expect(lines[3]).toMatchObject({ id: docId, status: 'ready' });

    expect((await getJson(`${api.url}/v1/batches/bat_missing`, key)).status).toBe(404);
  });

  it('keeps tenants apart: another key sees none of this summary, batch or evidence', async () => {
    const other = createKey(env, 'outsiders');
    expect((await getJson(`${api.url}/v1/documents/${docId}/summary`, other)).status).toBe(404);
    const res = await fetch(`${api.url}/v1/ask`, {
      method: 'POST',
      headers: { ...auth(other), 'Content-Type': 'application/json' },
      body: JSON.stringify({ question: 'In what year did the survey of Lake Veronne begin?' }),
    });
    const body = (await res.json()) as { answer: string | null; supportingPassages: unknown[] };
    expect(body.answer).toBeNull();
    expect(body.supportingPassages).toEqual([]);
    const mine = (await (
      await fetch(`${api.url}/v1/batches`, { method: 'POST', headers: auth(key), body: batchForm() })
    ).json()) as { id: string };
    expect((await getJson(`${api.url}/v1/batches/${mine.id}`, other)).status).toBe(404);
    expect((await fetch(`${api.url}/v1/batches/${mine.id}/results`, { headers: auth(other) })).status).toBe(404);
  });
});
