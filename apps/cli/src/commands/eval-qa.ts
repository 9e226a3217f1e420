import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { answerModelFor, cachedEmbedder, evalSquad } from '@elegans/analysis';
import { loadEmbedder, progressBar, releaseEmbedder } from '../analysis-cli';

export const summary = 'answer-sentence accuracy, passage recall and abstention on a SQuAD v1/v2 file, with baselines';

export const USAGE =
  'usage: elegans eval qa --squad FILE [--concat-articles] [--sample N [--seed S]] [--vector-cache DIR] [--model DIR]\n' +
  '         [--no-model] [--json]\n' +
  "  contexts may be whole documents (CUAD contracts, papers); --concat-articles joins each article's\n" +
  '  paragraphs into one document; --sample N keeps N articles chosen by a seeded shuffle (default seed 1);\n' +
  '  --vector-cache keeps document vectors across runs (eval only)\n';

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
      sample: { type: 'string' },
      seed: { type: 'string', default: '1' },
    },
    strict: true,
  });
  if (!values.squad) {
    process.stderr.write(USAGE);
    return 2;
  }
  const sample = values.sample === undefined ? undefined : Number(values.sample);
  const seed = Number(values.seed);
  if ((sample !== undefined && !(Number.isInteger(sample) && sample > 0)) || !Number.isInteger(seed)) {
    process.stderr.write(`--sample must be a positive integer and --seed an integer\n${USAGE}`);
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
      { concatArticles: values['concat-articles'], ...(sample ? { sample, seed } : {}) },
    );
    const out = { ...report, ...(sample ? { sample: { articles: sample, seed } } : {}), ms: Date.now() - t0 };
    if (values.json) process.stdout.write(`${JSON.stringify(out)}\n`);
    else process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  } finally {
    await releaseEmbedder(loaded);
  }
}
