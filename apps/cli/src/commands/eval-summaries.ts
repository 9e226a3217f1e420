import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { evalSummaries, parseSummEval } from '@elegans/analysis';
import { loadEmbedder, progressBar, releaseEmbedder } from '../analysis-cli';

export const summary = 'ROUGE-1/2/L F1 of elegans summaries vs lead-3 and TextRank on a SummEval-style file';

export const USAGE =
  'usage: elegans eval summaries --summeval FILE [--model DIR] [--no-model] [--sentences N] [--json]\n';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      summeval: { type: 'string' },
      model: { type: 'string' },
      'no-model': { type: 'boolean', default: false },
      sentences: { type: 'string', default: '3' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const k = Number(values.sentences);
  if (!values.summeval || !Number.isInteger(k) || k < 1) {
    process.stderr.write(USAGE);
    return 2;
  }
  const entries = parseSummEval(JSON.parse(readFileSync(values.summeval, 'utf8')));
  const embedder = await loadEmbedder(values.model, values['no-model']);
  try {
    const t0 = Date.now();
    const report = await evalSummaries(entries, embedder, progressBar('summaries'), k);
    const out = { ...report, ms: Date.now() - t0 };
    if (values.json) process.stdout.write(`${JSON.stringify(out)}\n`);
    else {
      const row = (name: string, r: { rouge1: number; rouge2: number; rougeL: number }) =>
        `${name.padEnd(10)} R1 ${r.rouge1.toFixed(4)}  R2 ${r.rouge2.toFixed(4)}  RL ${r.rougeL.toFixed(4)}`;
      process.stdout.write(
        [
          `${out.documents} documents, ${k} sentences each, best of ${out.references.max} references per document (model: ${out.model ?? 'none'})`,
          row('elegans', out.elegans),
          row('lead3', out.lead3),
          row('textrank', out.textrank),
          `elegans − lead3 (95% paired bootstrap): ${(['rouge1', 'rouge2', 'rougeL'] as const)
            .map((m) => {
              const d = out.elegansMinusLead3[m];
              return `${m} ${d.mean.toFixed(4)} [${d.ci95[0].toFixed(4)}, ${d.ci95[1].toFixed(4)}]`;
            })
            .join('  ')}; ${out.elegansMinusLead3.summariesDiffering} summaries differ from lead3`,
          '',
        ].join('\n'),
      );
    }
    return 0;
  } finally {
    await releaseEmbedder(embedder);
  }
}
