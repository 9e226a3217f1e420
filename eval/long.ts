/**
 * Long documents (issue 14): for each PDF of a folder, the structure roles found (sentences per role,
 * section titles per role), the stored summary's roles and pages, and ROUGE of the body summary against
 * the paper's own abstract with the abstract removed from the input (the arXiv/PubMed setup), beside
 * lead and TextRank over the same body sentences. Lexical evidence only (no model), 5 sentences.
 *
 *   npx tsx eval/long.ts ../shared/data/pdfs/papers [--json] [--sentences 5]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { closeParseWorkers, parseDocument, STRUCTURE_ROLES, type ParsedDocument } from '@elegans/ingest';
import { buildStoredSummary, isProse, rouge, textRank, type RougeScores } from '@elegans/analysis';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { json: { type: 'boolean', default: false }, sentences: { type: 'string', default: '5' } },
});
const k = Number(values.sentences);
const dir = positionals[0];
if (!dir) {
  process.stderr.write('usage: npx tsx eval/long.ts DIR_OF_PDFS [--json] [--sentences N]\n');
  process.exit(2);
}
const files = statSync(dir).isDirectory()
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.pdf'))
      .sort()
      .map((f) => join(dir, f))
  : [dir];

function withoutAbstract(doc: ParsedDocument): ParsedDocument {
  // The abstract is the reference: mark it out of the summary's reach (a summary draws on body/abstract).
  return { ...doc, sentences: doc.sentences.map((s) => (s.role === 'abstract' ? { ...s, role: 'front_matter' } : s)) };
}

async function main(): Promise<void> {
  const rows: Record<string, unknown>[] = [];
  const sums: Record<string, RougeScores[]> = { elegans: [], lead: [], textrank: [] };
  for (const file of files) {
    const doc = await parseDocument(readFileSync(file), {});
    const roles = Object.fromEntries(
      STRUCTURE_ROLES.map((r) => [r, doc.sentences.filter((s) => (s.role ?? 'body') === r).length]).filter(
        ([, n]) => (n as number) > 0,
      ),
    );
    const sectionRoles = doc.sections.map((s) => `${s.title.slice(0, 30)}=${s.role}`);
    const abstract = doc.sentences.filter((s) => s.role === 'abstract').map((s) => s.text);
    const input = withoutAbstract(doc);
    const stored = buildStoredSummary(input, null, null, { sentences: k });
    const row: Record<string, unknown> = {
      file: file.split('/').pop(),
      pages: doc.pages.length,
      sentences: doc.sentences.length,
      roles,
      sectionRoles,
      summary: stored.sentences.map((s) => ({ page: s.page, role: s.role, text: s.text.slice(0, 140) })),
    };
    if (abstract.length > 0) {
      const ref = abstract.join(' ');
      const body = input.sentences.filter((s) => (s.role ?? 'body') === 'body');
      const prose = body.filter((s) => isProse(s.text));
      const lead = prose.slice(0, k).map((s) => s.text);
      const tr = textRank(
        prose.map((s) => s.text),
        k,
      ).map((i) => prose[i]!.text);
      const r = {
        elegans: rouge(stored.sentences.map((s) => s.text).join(' '), ref),
        lead: rouge(lead.join(' '), ref),
        textrank: rouge(tr.join(' '), ref),
      };
      for (const [n, v] of Object.entries(r)) sums[n]!.push(v);
      row.rouge = r;
    }
    rows.push(row);
    process.stderr.write(`${row.file}: ${JSON.stringify(roles)}\n`);
  }
  const mean = (xs: RougeScores[]) => ({
    rouge1: +(xs.reduce((a, x) => a + x.rouge1, 0) / xs.length).toFixed(4),
    rouge2: +(xs.reduce((a, x) => a + x.rouge2, 0) / xs.length).toFixed(4),
    rougeL: +(xs.reduce((a, x) => a + x.rougeL, 0) / xs.length).toFixed(4),
  });
  const out = {
    documents: rows.length,
    withAbstract: sums.elegans!.length,
    mean: sums.elegans!.length
      ? { elegans: mean(sums.elegans!), lead: mean(sums.lead!), textrank: mean(sums.textrank!) }
      : null,
    rows,
  };
  process.stdout.write(values.json ? `${JSON.stringify(out, null, 1)}\n` : `${JSON.stringify(out.mean)}\n`);
  await closeParseWorkers();
}

void main();
