import type { DocumentEmbedding, EmbedDocumentOptions, LiquidModel } from './liquid-model';
import { SpanSum } from './pooling';
import type { LiquidState } from './state';
import type { SentenceInput } from './timesteps';

/**
 * How one long document is streamed in parallel lanes (see embedDocumentInLanes). Retrieval quality against
 * the exact carried state is measured by eval/lanes-quality.ts and throughput by bench/document-lanes.ts
 * (figures in models/README.md); the worker's settings are MODEL_LANES and MODEL_LANE_* (apps/shared config).
 */
export interface LaneOptions {
  /** Most lanes (segments streamed at once); 1 = the exact carried path. */
  lanes: number;
  /** Tokens each segment's lane streams (from the zero state) before its segment, features discarded. */
  warmupTokens: number;
  /** A segment is at least this long; documents shorter than 2 segments take the exact path. */
  minSegmentTokens: number;
  /** A round of lanes covers at most lanes × this; each round ends in a checkpoint and a progress call. */
  maxSegmentTokens: number;
}

export const DEFAULT_LANE_OPTIONS: LaneOptions = {
  lanes: 16,
  warmupTokens: 256,
  minSegmentTokens: 2048,
  maxSegmentTokens: 4096,
};

interface Segment {
  /** Sentences [first, end) are this segment's own. */
  first: number;
  end: number;
  /** The lane starts at sentence `warm` (≤ first) from the zero state; warm = first for a carried lane. */
  warm: number;
}

interface Round {
  first: number;
  end: number;
  segments: Segment[];
}

/** First safe boundary (sentence index, no passage straddles it) at or after token `target`, within (lo, hi]. */
function snap(cum: Float64Array, safe: Uint8Array, target: number, lo: number, hi: number): number {
  let k = lo + 1;
  while (k < hi && (cum[k]! < target || !safe[k])) k++;
  return k;
}

/**
 * Lays out rounds of at most `lanes` segments over sentences [from, N). Deterministic in (from, token
 * counts, options), so an uninterrupted run and a run resumed at a round boundary stream the same lanes.
 * Returns null when lanes buy nothing (fewer than two segments).
 */
export function planLanes(cum: Float64Array, safe: Uint8Array, from: number, o: LaneOptions): Round[] | null {
  const N = cum.length - 1;
  const T = cum[N]! - cum[from]!;
  const K = Math.min(o.lanes, Math.floor(T / Math.max(1, o.minSegmentTokens)));
  if (K < 2) return null;
  const nRounds = Math.max(1, Math.ceil(T / (K * o.maxSegmentTokens)));
  const rounds: Round[] = [];
  let start = from;
  for (let r = 0; r < nRounds && start < N; r++) {
    const end = r === nRounds - 1 ? N : snap(cum, safe, cum[from]! + ((r + 1) * T) / nRounds, start, N);
    const R = cum[end]! - cum[start]!;
    // The first lane of a round starts from the carried state (no warm-up): give it `warmupTokens` more
    // of its own so every lane streams about the same number of tokens and the lockstep batch stays full.
    const W = Math.min(o.warmupTokens, R / K);
    const own = (R - W) / K;
    const segments: Segment[] = [];
    let s = start;
    for (let j = 0; j < K && s < end; j++) {
      const e = j === K - 1 ? end : snap(cum, safe, cum[start]! + W + own * (j + 1), s, end);
      let warm = s;
      if (j > 0) {
        // Start the warm-up at a sentence start at least warmupTokens before the segment (or the document start).
        warm = s;
        while (warm > 0 && cum[s]! - cum[warm]! < o.warmupTokens) warm--;
      }
      // A segment without tokens of its own (trailing empty sentences) joins the one before it.
      if (cum[e]! === cum[s]! && segments.length > 0) segments[segments.length - 1]!.end = e;
      else segments.push({ first: s, end: e, warm });
      s = e;
    }
    rounds.push({ first: start, end, segments });
    start = end;
  }
  return rounds;
}

/**
 * Streams one document in parallel lanes: each round of the document is cut at sentence boundaries that no
 * passage straddles into up to `lanes` segments. The first segment continues the carried state; every other
 * segment's lane starts from the zero state `warmupTokens` before its segment (at a sentence start) and its
 * warm-up features are discarded. A CfC forgets at a learned rate, so after the warm-up the lane's state is
 * close to the exactly carried one (measured, see LaneOptions); a warm-up that reaches the document start is
 * exact. All lanes advance in lockstep through `runLanes`, so one document gets the batched throughput.
 *
 * Sentences, passages, checkpoints and progress are emitted in document order after each round, as the
 * exact path emits them. A checkpoint is written at a round end (a safe boundary); a run resumed there
 * streams the same remaining rounds as an uninterrupted run. Returns null when the document is too short
 * for two segments (the caller takes the exact path).
 */
export async function embedDocumentInLanes(
  model: LiquidModel,
  sentences: ReadonlyArray<SentenceInput>,
  opts: EmbedDocumentOptions,
  lanes: LaneOptions,
): Promise<DocumentEmbedding | null> {
  const N = sentences.length;
  const D = model.featureDim;
  const passages = opts.passages ?? [];
  const first = opts.resume?.nextSentence ?? 0;
  if (first < 0 || first > N) throw new Error(`resume.nextSentence ${first} outside [0, ${N}]`);
  const safe = new Uint8Array(N + 1).fill(1);
  for (const [i, p] of passages.entries()) {
    if (!(p.sentenceStart >= 0 && p.sentenceStart <= p.sentenceEnd && p.sentenceEnd <= N)) {
      throw new Error(`passage ${i}: bad sentence range [${p.sentenceStart}, ${p.sentenceEnd})`);
    }
    for (let k = p.sentenceStart + 1; k < p.sentenceEnd; k++) safe[k] = 0;
    if (p.sentenceStart < first && p.sentenceEnd > first)
      throw new Error(`passage ${i} straddles the resume point ${first}`);
  }
  // Every sentence is tokenized (also before a resume point: warm-ups reach back into it).
  const enc = sentences.map((s, i) => model.encodeSentence(s.text, i === 0 ? 'page' : (s.boundary ?? 'sentence')));
  const cum = new Float64Array(N + 1);
  for (let i = 0; i < N; i++) cum[i + 1] = cum[i]! + enc[i]!.tokens.length;
  if (opts.resume && opts.resume.state.position !== cum[first]) {
    throw new Error(
      `resume state is at token ${opts.resume.state.position}, sentence ${first} starts at ${cum[first]}`,
    );
  }
  // Resume at a round boundary of the whole document's plan when the checkpoint came from it (the same
  // lanes as an uninterrupted run); otherwise (an exact-path checkpoint) plan the rest afresh.
  let rounds = planLanes(cum, safe, 0, lanes);
  if (rounds && first > 0) {
    const at = rounds.findIndex((r) => r.first === first);
    rounds = at >= 0 ? rounds.slice(at) : planLanes(cum, safe, first, lanes);
  }
  if (!rounds) return null;

  const docSum = new SpanSum(D);
  if (opts.resume) docSum.merge(opts.resume.documentSum);
  const collect = opts.collect ?? true;
  const result: DocumentEmbedding = {
    modelVersion: model.version,
    firstSentence: first,
    sentenceVectors: [],
    sentenceTokens: [],
    passages: [],
    documentVector: new Float32Array(D),
    state: opts.resume?.state.clone() ?? model.zeroState(),
    tokens: 0,
    lanes: Math.max(...rounds.map((r) => r.segments.length)),
  };
  const startsAt = new Map<number, number[]>();
  const emptyPassages: number[] = [];
  passages.forEach((p, i) => {
    if (p.sentenceStart < first) return;
    if (p.sentenceStart === p.sentenceEnd) return void emptyPassages.push(i);
    startsAt.set(p.sentenceStart, [...(startsAt.get(p.sentenceStart) ?? []), i]);
  });
  for (const p of emptyPassages) {
    const zero = new Float32Array(D);
    if (collect) result.passages.push({ index: p, vector: zero, tokens: 0 });
    await opts.onPassage?.(p, zero, 0);
  }
  const open = new Map<number, SpanSum>();
  let sinceCheckpoint = 0;
  let carried: LiquidState = result.state;

  for (const round of rounds) {
    const sums = Array.from({ length: round.end - round.first }, () => new SpanSum(D));
    const segs = round.segments;
    const cursor = segs.map((s) => s.first);
    const laneInputs = segs.map((seg, j) => {
      const n = cum[seg.end]! - cum[seg.warm]!;
      const tokens = new Int32Array(n);
      const ts = new Float32Array(n);
      for (let i = seg.warm, o = 0; i < seg.end; o += enc[i]!.tokens.length, i++) {
        tokens.set(enc[i]!.tokens, o);
        ts.set(enc[i]!.ts, o);
      }
      let state: LiquidState;
      if (j === 0) state = carried;
      else {
        state = model.zeroState();
        state.position = cum[seg.warm]!; // offsets in the sink are then document token positions
      }
      return { tokens, ts, state };
    });
    const states = await model.runLanes(laneInputs, (lane, offset, features, rows) => {
      const seg = segs[lane]!;
      const lo = Math.max(offset, cum[seg.first]!);
      const hi = offset + rows;
      if (hi <= lo) return; // still warming up
      docSum.addRows(features, lo - offset, hi - offset);
      let i = cursor[lane]!;
      let g = lo;
      while (g < hi) {
        while (cum[i + 1]! <= g) i++;
        const e = Math.min(hi, cum[i + 1]!);
        sums[i - round.first]!.addRows(features, g - offset, e - offset);
        g = e;
      }
      cursor[lane] = i;
    });
    carried = states[states.length - 1]!;

    for (let i = round.first; i < round.end; i++) {
      const sum = sums[i - round.first]!;
      const v = sum.vector();
      if (collect) {
        result.sentenceVectors.push(v);
        result.sentenceTokens.push(sum.count);
      }
      await opts.onSentence?.(i, v, sum.count);
      for (const p of startsAt.get(i) ?? []) open.set(p, new SpanSum(D));
      for (const [p, acc] of open) {
        acc.merge(sum);
        if (passages[p]!.sentenceEnd - 1 === i) {
          open.delete(p);
          const pv = acc.vector();
          if (collect) result.passages.push({ index: p, vector: pv, tokens: acc.count });
          await opts.onPassage?.(p, pv, acc.count);
        }
      }
    }
    sinceCheckpoint += cum[round.end]! - cum[round.first]!;
    // Checkpoint before reporting progress: a round is only reported done once a crash can no longer lose it
    // (progress moves once per round here, so a checkpoint behind it would cost a whole round on resume).
    if (
      opts.onCheckpoint &&
      opts.checkpointEveryTokens &&
      sinceCheckpoint >= opts.checkpointEveryTokens &&
      round.end < N
    ) {
      sinceCheckpoint = 0;
      const documentSum = new SpanSum(D);
      documentSum.merge(docSum);
      await opts.onCheckpoint({ nextSentence: round.end, state: carried.clone(), documentSum });
    }
    await opts.onProgress?.({ sentencesDone: round.end, sentencesTotal: N, tokens: cum[round.end]! });
  }
  result.state = carried.clone();
  result.documentVector = docSum.vector();
  result.tokens = cum[N]!;
  return result;
}
