import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ParseReport } from '@elegans/ingest';
import { encryptPdf, hasQpdf, makeDocx, makePdf } from '@elegans/ingest/testing';
import { run } from './parse';

afterEach(() => vi.restoreAllMocks());

async function capture(argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const code = await run(argv);
  return { code, stdout };
}

describe('elegans parse', () => {
  it('classifies every file of a directory and prints one JSON object', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'elegans-parse-cli-'));
    const body = [['Liquid networks read documents.', 'They keep state.'], ['Second page here.']];
    writeFileSync(join(dir, 'a.pdf'), await makePdf({ pages: body }));
    writeFileSync(join(dir, 'b.docx'), makeDocx([{ text: 'Title', heading: 1 }, 'One sentence. Two sentences.']));
    writeFileSync(join(dir, 'c.bin'), new Uint8Array([0, 1, 2, 3, 0, 0, 7]));
    writeFileSync(join(dir, 'd.pdf'), await makePdf({ pages: [[]], drawBox: true }));
    if (hasQpdf()) writeFileSync(join(dir, 'e.pdf'), encryptPdf(await makePdf({ pages: body }), 'pw'));

    const { code, stdout } = await capture([dir, '--json']);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const out = JSON.parse(stdout) as {
      files: ParseReport[];
      summary: { total: number; byStatus: Record<string, number>; peakRssMb: number };
    };
    const byName = Object.fromEntries(out.files.map((f) => [f.path.split('/').pop(), f]));
    expect(byName['a.pdf']).toMatchObject({ status: 'ok', pages: 2, sentences: 3, passages: 1 });
    expect(byName['a.pdf']!.words).toBe(10);
    expect(byName['b.docx']).toMatchObject({ status: 'ok', pages: 1, sentences: 3 });
    expect(byName['c.bin']!.status).toBe('unsupported_format');
    expect(byName['d.pdf']).toMatchObject({ status: 'no_text_layer', pages: 1, chars: 0 });
    if (hasQpdf()) expect(byName['e.pdf']!.status).toBe('pdf_password_required');
    expect(out.summary.total).toBe(out.files.length);
    expect(Object.values(out.summary.byStatus).reduce((a, b) => a + b, 0)).toBe(out.files.length);
    expect(out.summary.byStatus.ok).toBe(2);
    expect(out.summary.peakRssMb).toBeGreaterThan(0);
    for (const f of out.files) expect(f.ms).toBeGreaterThanOrEqual(0);
  });

  it('exits 2 on a missing path or bad option', async () => {
    expect((await capture(['/nonexistent/elegans-path'])).code).toBe(2);
    expect((await capture(['--timeout-ms', 'abc', '.'])).code).toBe(2);
  });
});
