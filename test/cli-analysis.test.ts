import { REPORT_PAGES } from '@elegans/analysis';
import { parseDocument } from '@elegans/ingest';
import { makePdf } from '@elegans/ingest/testing';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entry } from './support/services';

const ROOT = resolve(__dirname, '..');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [entry('apps/cli/src/main.js'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `elegans analyze` and `elegans batch`: in process, no Redis, the built CLI and the real model. */
describe('analysis CLI', () => {
  let dir: string;
  let pdfPath: string;
  let text: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'elegans-cli-'));
    const pdf = await makePdf({ pages: REPORT_PAGES.map((p) => ({ heading: p.heading, lines: p.lines })) });
    pdfPath = join(dir, 'report.pdf');
    writeFileSync(pdfPath, pdf);
    text = (await parseDocument(pdf, { filename: 'report.pdf' })).text;
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('analyze prints one JSON object: a cited summary and answers (or abstentions)', () => {
    const r = cli([
      'analyze',
      pdfPath,
      '--question',
      'In what year did the survey of Lake Veronne begin?',
      '--question',
      'Who won the 1966 football World Cup final?',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      model: string | null;
      summary: { text: string; page: number; start: number; end: number }[];
      answers: {
        question: string;
        answer: string | null;
        confidence: number;
        citations: { page: number; start: number; end: number; text: string }[];
      }[];
    };
    expect(out.model).toMatch(/^cfc-/);
    expect(out.summary).toHaveLength(3);
    for (const s of out.summary) expect(text.slice(s.start, s.end)).toBe(s.text);
    expect(out.answers[0]!.answer).toContain('1987');
    expect(out.answers[0]!.citations[0]!.page).toBe(2);
    expect(text.slice(out.answers[0]!.citations[0]!.start, out.answers[0]!.citations[0]!.end)).toContain('1987');
    expect(out.answers[1]!.answer).toBeNull();
    expect(out.answers[1]!.confidence).toBeLessThan(out.answers[0]!.confidence);
  });

  it('analyze refuses bad usage with exit code 2', () => {
    expect(cli(['analyze']).code).toBe(2);
    expect(cli(['analyze', pdfPath, '--sentences', 'zero']).code).toBe(2);
  });

  it('batch writes one JSONL line per file; a corrupt file fails only its own line', () => {
    const folder = join(dir, 'in');
    spawnSync('mkdir', ['-p', folder]);
    writeFileSync(join(folder, 'a-report.pdf'), readFileSync(pdfPath));
    writeFileSync(join(folder, 'b-broken.pdf'), '%PDF-1.4\nthis is not a pdf body\n');
    writeFileSync(
      join(folder, 'c-notes.txt'),
      'The ferry leaves at nine. It returns at five in the evening on weekdays.',
    );
    const out = join(dir, 'results.jsonl');
    const r = cli(['batch', folder, '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/batch \[#+\] 3\/3/);
    expect(JSON.parse(r.stdout)).toMatchObject({ files: 3, byStatus: { ok: 2, pdf_corrupt: 1 } });
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.status)).toEqual(['ok', 'pdf_corrupt', 'ok']);
    expect((lines[0]!.summary as unknown[]).length).toBe(3);
    expect(lines[1]!.summary).toBeNull();
    expect((lines[1]!.error as { code: string }).code).toBe('pdf_corrupt');
    expect((lines[2]!.summary as { text: string }[])[0]!.text).toContain('ferry');
  });
});
