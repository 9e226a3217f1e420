/**
 * Throughput of ONE long document: the exactly carried state (one lane) against the document streamed in
 * parallel lanes (libs/model document-lanes.ts), side by side in interleaved rounds, medians and ratios to
 * the exact path. Both wall-clock and CPU-time rates are printed: on a shared machine the wall rate follows
 * the neighbours' load, while tokens per CPU-second show what batching buys on one core whatever the load.
 * The full embedDocument path is timed (tokenizing, pooling sentences and passages), not the graph alone.
 *
 *   npx tsx bench/document-lanes.ts [FILE ...] [--tokens 65536] [--rounds 3] [--lanes 4,8,16]
 *                                   [--warmups 256] [--threads 1]
 *
 * FILE: plain text, or a BEIR corpus.jsonl (title + text per line), repeated until --tokens; default the
 * repository's own Markdown docs. Sentences by ingest's splitter, passages of about 200 words.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { groupPassages, sentenceSpans } from '@elegans/analysis';
import { LiquidModel, type SentenceInput } from '@elegans/model';
import { median } from './lib/stack';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    tokens: { type: 'string', default: '65536' },
    rounds: { type: 'string', default: '3' },
    lanes: { type: 'string', default: '4,8,16' },
    warmups: { type: 'string', default: '256' },
    threads: { type: 'string', default: '1' },
    'min-segment': { type: 'string', default: '2048' },
    'max-segment': { type: 'string', default: '4096' },
  },
});
const log = (m: string) => process.stderr.write(`[document-lanes] ${m}\n`);
const ints = (s: string) => s.split(',').map((x) => Number(x.trim()));
const ROOT = join(__dirname, '..');

function readUnits(file: string): string[] {
  const raw = readFileSync(file, 'utf8');
  if (!file.endsWith('.jsonl')) return raw.split(/\n\s*\n/);
  return raw
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const r = JSON.parse(l) as { title?: string; text?: string };
      return [r.title, r.text].filter(Boolean).join('. ');
    });
}

/** Sentences (paragraph boundaries kept) and ~200-word passages of about `target` tokens of text. */
function buildDocument(model: LiquidModel, files: string[], target: number) {
  const units = files.flatMap(readUnits).filter((u) => u.trim());
  const sentences: SentenceInput[] = [];
  const spans: { text: string; start: number; end: number }[] = [];
  let tokens = 0;
  for (let k = 0; tokens < target; k++) {
    const unit = units[k % units.length]!;
    sentenceSpans(unit).forEach((s, i) => {
      if (tokens >= target) return;
      sentences.push({ text: s.text, boundary: sentences.length === 0 ? 'page' : i === 0 ? 'paragraph' : 'sentence' });
      spans.push(s);
      tokens += model.encode(s.text).length;
    });
  }
  const passages = groupPassages(spans).map(([a, b]) => ({ sentenceStart: a, sentenceEnd: b }));
  return { sentences, passages, tokens };
}

interface Variant {
  name: string;
  lanes: number;
  warmup: number;
}

async function main(): Promise<void> {
  const threads = Number(values.threads);
  const model = await LiquidModel.load({ intraOpNumThreads: threads });
  const files = positionals.length
    ? positionals
    : ['docs/ARCHITECTURE.md', 'README.md', 'libs/model/README.md', 'models/README.md'].map((f) => join(ROOT, f));
  const doc = buildDocument(model, files, Number(values.tokens));
  log(`${doc.sentences.length} sentences, ${doc.passages.length} passages, ${doc.tokens} tokens; ${threads} thread(s)`);
  const variants: Variant[] = [
    { name: 'exact', lanes: 1, warmup: 0 },
    ...ints(values.lanes!).flatMap((l) =>
      ints(values.warmups!).map((w) => ({ name: `lanes${l}-w${w}`, lanes: l, warmup: w })),
    ),
  ];
  const wall: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  const load: number[] = [];
  // Warm the session (first-call allocations) before anything is timed.
  await model.embedDocument(doc.sentences.slice(0, 50));
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const v of variants) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const res = await model.embedDocument(doc.sentences, {
        passages: doc.passages,
        collect: false,
        lanes:
          v.lanes > 1
            ? {
                lanes: v.lanes,
                warmupTokens: v.warmup,
                minSegmentTokens: Number(values['min-segment']),
                maxSegmentTokens: Number(values['max-segment']),
              }
            : undefined,
      });
      const s = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      const cpuS = (c.user + c.system) / 1e6;
      (wall[v.name] ??= []).push(res.tokens / s);
      (cpu[v.name] ??= []).push(res.tokens / cpuS);
      load.push(loadavg()[0]!);
      log(
        `round ${r + 1} ${v.name}: ${Math.round(res.tokens / s)} tok/s wall, ${Math.round(res.tokens / cpuS)} tok/CPU-s`,
      );
    }
  }
  await model.release();
  const m = (xs: number[]) => Math.round(median(xs));
  const exactWall = median(wall.exact!);
  const exactCpu = median(cpu.exact!);
  const rows = variants.map((v) => ({
    variant: v.name,
    tokPerSecWall: m(wall[v.name]!),
    ratioWall: Number((median(wall[v.name]!) / exactWall).toFixed(2)),
    tokPerCpuSec: m(cpu[v.name]!),
    ratioCpu: Number((median(cpu[v.name]!) / exactCpu).toFixed(2)),
  }));
  process.stdout.write(
    `${JSON.stringify(
      {
        model: model.version,
        tokens: doc.tokens,
        rounds: Number(values.rounds),
        threads,
        cores: cpus().length,
        load1mMedian: Number(median(load).toFixed(1)),
        rows,
      },
      null,
      2,
    )}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
