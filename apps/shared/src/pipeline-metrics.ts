import type { Redis } from 'ioredis';

/**
 * Pipeline metrics live in Redis, not in process memory: workers record stage durations and
 * tokens streamed, and any API replica exposes the cluster-wide totals on /metrics. Durations
 * are aggregated into cumulative histogram buckets (Prometheus semantics) with HINCRBY.
 */
export const STAGE_BUCKETS_S = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

const stageKey = (prefix: string) => `${prefix}:metrics:stages`;
const tokensKey = (prefix: string) => `${prefix}:metrics:tokens`;

export async function recordStageDuration(redis: Redis, prefix: string, stage: string, seconds: number): Promise<void> {
  const m = redis.multi();
  const key = stageKey(prefix);
  for (const le of STAGE_BUCKETS_S) if (seconds <= le) m.hincrby(key, `${stage}|${le}`, 1);
  m.hincrby(key, `${stage}|+Inf`, 1);
  m.hincrbyfloat(key, `${stage}|sum`, seconds);
  await m.exec();
}

export async function addTokensStreamed(redis: Redis, prefix: string, tokens: number): Promise<void> {
  if (tokens > 0) await redis.incrby(tokensKey(prefix), Math.round(tokens));
}

export interface PipelineMetricsSnapshot {
  stages: Record<string, { buckets: Record<string, number>; sum: number; count: number }>;
  tokensStreamed: number;
}

export async function readPipelineMetrics(redis: Redis, prefix: string): Promise<PipelineMetricsSnapshot> {
  const [hash, tokens] = await Promise.all([redis.hgetall(stageKey(prefix)), redis.get(tokensKey(prefix))]);
  const stages: PipelineMetricsSnapshot['stages'] = {};
  for (const [field, value] of Object.entries(hash)) {
    const [stage, le] = field.split('|') as [string, string];
    const s = (stages[stage] ??= { buckets: {}, sum: 0, count: 0 });
    if (le === 'sum') s.sum = Number(value);
    else {
      s.buckets[le] = Number(value);
      if (le === '+Inf') s.count = Number(value);
    }
  }
  return { stages, tokensStreamed: Number(tokens ?? 0) };
}

/** Prometheus text exposition of the snapshot. */
export function renderPipelineMetrics(s: PipelineMetricsSnapshot): string {
  const lines = [
    '# HELP elegans_stage_duration_seconds Time spent per pipeline stage, across all workers.',
    '# TYPE elegans_stage_duration_seconds histogram',
  ];
  for (const [stage, h] of Object.entries(s.stages)) {
    for (const le of [...STAGE_BUCKETS_S.map(String), '+Inf']) {
      lines.push(`elegans_stage_duration_seconds_bucket{stage="${stage}",le="${le}"} ${h.buckets[le] ?? 0}`);
    }
    lines.push(`elegans_stage_duration_seconds_sum{stage="${stage}"} ${h.sum}`);
    lines.push(`elegans_stage_duration_seconds_count{stage="${stage}"} ${h.count}`);
  }
  lines.push(
    '# HELP elegans_tokens_streamed_total Tokens streamed through the liquid model, across all workers.',
    '# TYPE elegans_tokens_streamed_total counter',
    `elegans_tokens_streamed_total ${s.tokensStreamed}`,
  );
  return lines.join('\n') + '\n';
}
