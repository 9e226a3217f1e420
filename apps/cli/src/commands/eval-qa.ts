import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { evalSquad } from '@elegans/analysis';
import { loadEmbedder, progressBar, releaseEmbedder } from '../analysis-cli';

export const summary = 'answer-sentence accuracy, passage recall and abstention on a SQuAD v1/v2 file, with baselines';

const USAGE = 'usage: elegans eval qa --squad FILE [--model DIR] [--no-model] [--json]\n';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      squad: { type: 'string' },
      model: { type: 'string' },
      'no-model': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.squad) {
    process.stderr.write(USAGE);
    return 2;
  }
  const json: unknown = JSON.parse(readFileSync(values.squad, 'utf8'));
  const embedder = await loadEmbedder(values.model, values['no-model']);
  const bars = new Map<string, ReturnType<typeof progressBar>>();
  try {
    const t0 = Date.now();
    const report = await evalSquad(json, embedder, (stage, done, total) => {
      if (!bars.has(stage)) bars.set(stage, progressBar(stage));
      bars.get(stage)!(done, total);
    });
    const out = { ...report, ms: Date.now() - t0 };
    if (values.json) process.stdout.write(`${JSON.stringify(out)}\n`);
    else process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  } finally {
    await releaseEmbedder(embedder);
  }
}
