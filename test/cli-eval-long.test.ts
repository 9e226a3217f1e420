import { makePdf } from '@elegans/ingest/testing';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
    timeout: 180_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const TOPICS = ['river deltas', 'sediment cores', 'flood records', 'delta subsidence', 'channel migration'];

/**
 * A generated paper of about 2,000 words: an abstract, five body sections and a long reference list whose
 * entries repeat the abstract's words (a summarizer that ignored roles would be tempted by them).
 */
async function paper(seed: number): Promise<Uint8Array> {
  const section = (t: string, c: number) =>
    Array.from({ length: 18 }, (_, i) =>
      i === 0 && c === 0
        ? `In this paper we present a study of ${TOPICS[seed % TOPICS.length]} and the sediment they carry to the sea.`
        : `Measurement ${i + 1} of the ${t} in site ${c + seed} was repeated over ${i + 3} seasons by the team.`,
    );
  return makePdf({
    pages: [
      {
        heading: 'Abstract',
        lines: [
          `We present a study of ${TOPICS[seed % TOPICS.length]} and the sediment they carry to the sea.`,
          'Our results show that the sediment record explains most of the delta growth.',
        ],
      },
      ...TOPICS.map((t, c) => ({
        heading: `${c + 1} ${t.replace(/^./, (x) => x.toUpperCase())}`,
        lines: section(t, c),
      })),
      {
        heading: 'References',
        lines: Array.from(
          { length: 14 },
          (_, i) =>
            `Smith, J. and Lee, K. ${1990 + i}. A study of river deltas and the sediment they carry to the sea. Journal of Deltas.`,
        ),
      },
    ],
  });
}

describe('elegans eval long', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'elegans-eval-long-'));
    mkdirSync(join(dir, 'papers'));
    writeFileSync(join(dir, 'papers', 'a.pdf'), await paper(0));
    writeFileSync(join(dir, 'papers', 'b.pdf'), await paper(1));
    writeFileSync(join(dir, 'papers', 'c-broken.pdf'), '%PDF-1.4\nnot a pdf body\n');
    writeFileSync(join(dir, 'papers', 'notes.txt'), 'not a PDF, skipped');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports roles, a body-only summary with pages, and ROUGE against the removed abstract', () => {
    const r = cli(['eval', 'long', join(dir, 'papers'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      documents: number;
      withAbstract: number;
      summarySentences: number;
      model: string | null;
      mean: Record<'elegans' | 'lead' | 'textrank', Record<'rouge1' | 'rouge2' | 'rougeL', number>>;
      failed: { name: string; error: string }[];
      rows: {
        name: string;
        pages: number;
        roles: Record<string, number>;
        summary: { page: number; role: string; text: string }[];
        rouge: Record<string, Record<string, number>> | null;
      }[];
    };
    expect(out.model).toMatch(/^cfc-/);
    expect(out.documents).toBe(2);
    expect(out.withAbstract).toBe(2);
    expect(out.failed).toEqual([{ name: 'c-broken.pdf', error: 'pdf_corrupt' }]);
    for (const row of out.rows) {
      expect(row.pages).toBe(7);
      expect(row.roles.abstract).toBeGreaterThanOrEqual(2);
      expect(row.roles.references).toBeGreaterThan(10);
      expect(row.summary).toHaveLength(5);
      for (const s of row.summary) {
        // Never the references (nor the abstract, which was removed from the input).
        expect(s.role).toBe('body');
        expect(s.text).not.toMatch(/Journal of Deltas|Smith, J\./);
        expect(s.page).toBeGreaterThanOrEqual(2);
        expect(s.page).toBeLessThanOrEqual(6);
      }
      // Coverage: each body section is one page here, and the summary speaks of at least three of them.
      expect(new Set(row.summary.map((s) => s.page)).size).toBeGreaterThanOrEqual(3);
      for (const system of ['elegans', 'lead', 'textrank'])
        for (const m of ['rouge1', 'rouge2', 'rougeL']) {
          const v = row.rouge![system]![m]!;
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
      expect(row.rouge!.elegans!.rouge1).toBeGreaterThan(0);
    }
    for (const system of ['elegans', 'lead', 'textrank'] as const) expect(out.mean[system].rouge1).toBeGreaterThan(0);
  });

  it('refuses a missing folder and bad numbers with exit code 2', () => {
    expect(cli(['eval', 'long', join(dir, 'nowhere')]).code).toBe(2);
    expect(cli(['eval', 'long', join(dir, 'papers'), '--sentences', '0']).code).toBe(2);
  });
});
