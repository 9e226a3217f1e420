import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { answerModelFor, cachedEmbedder, evalSquad } from '@elegans/analysis';
import { loadEmbedder, progressBar, releaseEmbedder } from '../analysis-cli';

export const summary = 'answer-sentence accuracy, passage recall and abstention on a SQuAD v1/v2 file, with baselines';

const USAGE =
  'usage: elegans eval qa --squad FILE [--concat-articles] [--vector-cache DIR] [--model DIR] [--no-model] [--json]\n' +
  "  contexts may be whole documents (CUAD contracts, papers); --concat-articles joins each article's\n" +
  '  paragraphs into one document; --vector-cache keeps document vectors across runs (eval only)\n';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      squad: { type: 'string' },
      model: { type: 'string' },
      'no-model': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'concat-articles': { type: 'boolean', default: false },
      'vector-cache': { type: 'string' },
    },
    strict: true,
  });
  if (!values.squad) {
    process.stderr.write(USAGE);
    return 2;
  }
  const json: unknown = JSON.parse(readFileSync(values.squad, 'utf8'));
  const loaded = await loadEmbedder(values.model, values['no-model']);
  const cache = values['vector-cache'];
  const embedder = loaded && cache ? cachedEmbedder(loaded, cache) : loaded;
  const bars = new Map<string, ReturnType<typeof progressBar>>();
  try {
    const t0 = Date.now();
    const report = await evalSquad(
      json,
      embedder,
      (stage, done, total) => {
        if (!bars.has(stage)) bars.set(stage, progressBar(stage));
        bars.get(stage)!(done, total);
      },
      answerModelFor(embedder !== null),
      { concatArticles: values['concat-articles'] },
    );
    const out = { ...report, ms: Date.now() - t0 };
    if (values.json) process.stdout.write(`${JSON.stringify(out)}\n`);
    else process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  } finally {
    await releaseEmbedder(loaded);
  }
}
