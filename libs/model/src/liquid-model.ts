import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { embedDocumentInLanes, DEFAULT_LANE_OPTIONS, type LaneOptions } from './document-lanes';
import { defaultModelDir, loadManifest, type LiquidManifest } from './manifest';
import { SpanSum } from './pooling';
import { LiquidState } from './state';
import { timestepsFor, type Boundary, type SentenceInput } from './timesteps';
import { LiquidTokenizer } from './tokenizer';

type Ort = typeof import('onnxruntime-node');

export interface LiquidModelOptions {
  /** Folder with manifest.json, the ONNX file and tokenizer.json (default: models/liquid). */
  modelDir?: string;
  /** ONNX Runtime threads inside one operator (default: all cores). */
  intraOpNumThreads?: number;
  /** ONNX Runtime threads across independent operators (default 1: the graph is one sequential Loop). */
  interOpNumThreads?: number;
  /** Tokens per model call when streaming (default 64). */
  chunkSize?: number;
  /** Most lanes per batched call (default 16). */
  maxBatch?: number;
  /** Use files.onnxInt8 when the manifest lists one. */
  int8?: boolean;
  /**
   * Another ONNX file with the same signature and state shape (e.g. the LTC baseline of the benchmark);
   * the manifest and tokenizer still come from modelDir.
   */
  onnxPath?: string;
  /**
   * ONNX Runtime's CPU memory arena (default true). The arena keeps the largest buffers it has seen,
   * which is fast but lets RSS grow with the first large calls; off, memory follows live tensors only.
   */
  memArena?: boolean;
}

/** One item of a stream: text (one sentence), a sentence with its boundary, or token ids (optionally with ts). */
export type StreamItem =
  string | SentenceInput | ArrayLike<number> | { tokens: ArrayLike<number>; ts?: ArrayLike<number> };
export type StreamInput = string | Iterable<StreamItem> | AsyncIterable<StreamItem>;

export interface StreamChunk {
  /** Position of the chunk's first token in the stream (counted from the zero state). */
  offset: number;
  tokens: Int32Array;
  ts: Float32Array;
  /** Row-major [tokens.length, featureDim]. */
  features: Float32Array;
  /** State after this chunk: serialise it to checkpoint, pass it as `state` to resume. */
  state: LiquidState;
  modelVersion: string;
}

export interface LaneInput {
  tokens: ArrayLike<number>;
  /** Elapsed time per token (default: ts.token everywhere). */
  ts?: ArrayLike<number>;
  /** State to start from (default: zero state). */
  state?: LiquidState;
}

/**
 * Called for every model call with the lane's feature rows for positions [offset, offset + rows).
 * `features` is a view into a reused buffer: read or copy it inside the callback.
 */
export type LaneFeatureSink = (lane: number, offset: number, features: Float32Array, rows: number) => void;

export interface VectorResult {
  vector: Float32Array;
  tokens: number;
  modelVersion: string;
}

export interface DocumentCheckpoint {
  /** First sentence not yet covered; every earlier sentence and passage has been emitted. */
  nextSentence: number;
  state: LiquidState;
  /** Running sum of all features so far (for the document vector). */
  documentSum: SpanSum;
}

export interface EmbedDocumentOptions {
  /** Passages as sentence ranges [sentenceStart, sentenceEnd) (ParsedDocument.passages fits). */
  passages?: ReadonlyArray<{ sentenceStart: number; sentenceEnd: number }>;
  chunkSize?: number;
  /** Continue after a checkpoint: sentences before `resume.nextSentence` are not recomputed. */
  resume?: DocumentCheckpoint;
  /** Ask for a checkpoint about every N tokens, at the next sentence end that no passage straddles. */
  checkpointEveryTokens?: number;
  onCheckpoint?: (cp: DocumentCheckpoint) => void | Promise<void>;
  onSentence?: (index: number, vector: Float32Array, tokens: number) => void | Promise<void>;
  onPassage?: (index: number, vector: Float32Array, tokens: number) => void | Promise<void>;
  /** Called after every model call; may be async (e.g. a progress write that also checks for cancellation). */
  onProgress?: (p: { sentencesDone: number; sentencesTotal: number; tokens: number }) => void | Promise<void>;
  /** Keep every vector in the result (default true); false keeps memory flat for huge documents. */
  collect?: boolean;
  /**
   * Stream a long document in parallel lanes, each segment warmed up over the text before it
   * (document-lanes.ts; approximate, measured). Absent or lanes: 1 = the exact carried state.
   */
  lanes?: Partial<LaneOptions>;
}

export interface DocumentEmbedding {
  modelVersion: string;
  /** Index of the first sentence computed (0 unless resumed). */
  firstSentence: number;
  /** sentenceVectors[i] is sentence firstSentence + i (empty when collect is false). */
  sentenceVectors: Float32Array[];
  sentenceTokens: number[];
  passages: Array<{ index: number; vector: Float32Array; tokens: number }>;
  /** Mean of every token's features over the whole document, L2-normalised. */
  documentVector: Float32Array;
  /** Final state: the whole document's context, to store and to resume from. */
  state: LiquidState;
  /** Tokens in the document (including those before a resume). */
  tokens: number;
  /** Most segments this call streamed at once: 1 = the exact carried state, more = parallel lanes. */
  lanes: number;
}

/**
 * Preallocated model outputs by batch × length, owned by ONE caller (a stream, a document, a lane
 * run), so concurrent callers on a shared model never write into each other's buffers.
 */
export class OutputBuffers {
  private readonly byShape = new Map<string, { features: Float32Array; state: Float32Array }>();

  constructor(
    private readonly featureDim: number,
    private readonly stateSize: number,
  ) {}

  get(batch: number, length: number): { features: Float32Array; state: Float32Array } {
    const key = `${batch}x${length}`;
    let buf = this.byShape.get(key);
    if (!buf) {
      // Shapes repeat (full chunks); odd tails are few. Bound the cache anyway.
      if (this.byShape.size >= 16) this.byShape.clear();
      buf = {
        features: new Float32Array(batch * length * this.featureDim),
        state: new Float32Array(batch * this.stateSize),
      };
      this.byShape.set(key, buf);
    }
    return buf;
  }
}

/**
 * The liquid (CfC) encoder served by ONNX Runtime. Load once and share: the session is reused by every
 * call, and concurrent calls are safe (ONNX Runtime sessions are re-entrant).
 *
 * Batching: lanes of different lengths are NOT padded where a state matters, because a CfC has no
 * identity step (even ts = 0 moves the state), so a pad token would corrupt the lane's final state.
 * Lanes advance in lockstep instead, each call running min(chunkSize, shortest remaining lane) steps;
 * a lane that finishes leaves the batch. Queries, whose final state is thrown away, are right-padded:
 * the recurrence is causal, so pads after a query's end cannot touch its features.
 */
export class LiquidModel {
  readonly chunkSize: number;
  readonly maxBatch: number;
  private readonly featuresName: string;
  private readonly stateName: string;

  private constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    readonly manifest: LiquidManifest,
    readonly modelDir: string,
    readonly tokenizer: LiquidTokenizer | null,
    opts: LiquidModelOptions,
  ) {
    this.chunkSize = opts.chunkSize ?? 64;
    this.maxBatch = opts.maxBatch ?? 16;
    if (!(this.chunkSize >= 1) || !(this.maxBatch >= 1)) throw new Error('chunkSize and maxBatch must be >= 1');
    this.featuresName = session.outputNames.includes('features') ? 'features' : session.outputNames[0]!;
    this.stateName = session.outputNames.includes('new_state') ? 'new_state' : session.outputNames[1]!;
  }

  static async load(opts: LiquidModelOptions = {}): Promise<LiquidModel> {
    const modelDir = opts.modelDir ?? defaultModelDir();
    const manifest = loadManifest(modelDir);
    const file = opts.int8 && manifest.files.onnxInt8 ? manifest.files.onnxInt8 : manifest.files.onnx;
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(opts.onnxPath ?? join(modelDir, file), {
      intraOpNumThreads: opts.intraOpNumThreads ?? availableParallelism(),
      interOpNumThreads: opts.interOpNumThreads ?? 1,
      graphOptimizationLevel: 'all',
      executionProviders: ['cpu'],
      enableCpuMemArena: opts.memArena ?? true,
    });
    const tokFile = join(modelDir, manifest.files.tokenizer ?? 'tokenizer.json');
    const tokenizer = existsSync(tokFile) ? await LiquidTokenizer.load(tokFile) : null;
    return new LiquidModel(ort, session, manifest, modelDir, tokenizer, opts);
  }

  get version(): string {
    return this.manifest.version;
  }

  get featureDim(): number {
    return this.manifest.featureDim;
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  zeroState(): LiquidState {
    return LiquidState.zero(this.manifest.layers, this.manifest.hidden, this.manifest.version);
  }

  /** Restores serialised state bytes, refusing a state from another model version or shape. */
  restoreState(bytes: Uint8Array): LiquidState {
    const m = this.manifest;
    return LiquidState.deserialize(bytes, { layers: m.layers, hidden: m.hidden, modelVersion: m.version });
  }

  encode(text: string): number[] {
    if (!this.tokenizer) throw new Error(`no tokenizer in ${this.modelDir}`);
    return this.tokenizer.encode(text);
  }

  /** Token ids and ts of one sentence that opens `boundary`. */
  encodeSentence(text: string, boundary: Boundary | 'token' = 'sentence'): { tokens: number[]; ts: Float32Array } {
    const tokens = this.encode(text);
    return { tokens, ts: timestepsFor(tokens.length, boundary, this.manifest.ts) };
  }

  /**
   * One graph call over `batch` lanes of `length` tokens: tokens/ts row-major [batch, length],
   * state [batch, L, H]. Returns features [batch, length, D] and the new state [batch, L, H].
   * With `into`, both are written into that pool's buffers for this shape and are overwritten by the next
   * call of the same shape through the same pool: read or copy them before that.
   */
  async run(
    tokens: ArrayLike<number>,
    ts: ArrayLike<number>,
    state: Float32Array,
    batch: number,
    length: number,
    into?: OutputBuffers,
  ): Promise<{ features: Float32Array; state: Float32Array }> {
    const { layers: L, hidden: H, vocabSize: V, featureDim: D } = this.manifest;
    const n = batch * length;
    if (tokens.length !== n || ts.length !== n || state.length !== batch * L * H) {
      throw new Error(`run(): expected ${n} tokens and ts and ${batch * L * H} state values`);
    }
    const ids = new BigInt64Array(n);
    for (let i = 0; i < n; i++) {
      const t = tokens[i]!;
      if (!Number.isInteger(t) || t < 0 || t >= V) throw new Error(`token id ${t} outside [0, ${V})`);
      ids[i] = BigInt(t);
    }
    const T = this.ort.Tensor;
    const feeds = {
      tokens: new T('int64', ids, [batch, length]),
      ts: new T('float32', ts instanceof Float32Array ? ts : Float32Array.from(ts), [batch, length]),
      state: new T('float32', state, [batch, L, H]),
    };
    if (into) {
      // ONNX Runtime writes into the caller's preallocated outputs: no fresh 1 KB-per-token buffer per call
      // for the GC to chase, so streaming memory stays flat.
      const buf = into.get(batch, length);
      await this.session.run(feeds, {
        [this.featuresName]: new T('float32', buf.features, [batch, length, D]),
        [this.stateName]: new T('float32', buf.state, [batch, L, H]),
      });
      await new Promise<void>((r) => setImmediate(r));
      return buf;
    }
    const out = await this.session.run(feeds);
    // onnxruntime-node runs the graph on the calling thread and returns an already-settled promise, so
    // a loop of awaited calls would never let timers or I/O run (BullMQ lock renewals, progress writes,
    // HTTP). One macrotask turn per call keeps the event loop responsive; a call is a few ms to tens of ms.
    await new Promise<void>((r) => setImmediate(r));
    return {
      features: (out[this.featuresName] as Tensor).data as Float32Array,
      state: (out[this.stateName] as Tensor).data as Float32Array,
    };
  }

  /**
   * Streams text or tokens through one state, `chunkSize` tokens per call, whatever the input's own
   * chunking (so the features do not depend on how the input arrived). Yields each chunk's features
   * and the state after it; pass `state` to continue a stream (e.g. from a restored checkpoint).
   */
  async *stream(
    input: StreamInput,
    opts: {
      state?: LiquidState;
      chunkSize?: number;
      /** Yield features in a reused buffer, valid until the next chunk is requested (flat memory). */
      reuseBuffers?: boolean;
    } = {},
  ): AsyncGenerator<StreamChunk> {
    const chunk = opts.chunkSize ?? this.chunkSize;
    const state = (opts.state ?? this.zeroState()).clone();
    this.checkState(state);
    const pool = opts.reuseBuffers ? this.outputPool() : undefined;
    // Pending input; consumed from `head` so a long item is not re-copied for every chunk.
    let bufTok: number[] = [];
    let bufTs: number[] = [];
    let head = 0;
    const items: Iterable<StreamItem> | AsyncIterable<StreamItem> = typeof input === 'string' ? [input] : input;
    const flush = async (n: number): Promise<StreamChunk> => {
      const tokens = new Int32Array(n);
      const ts = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        tokens[i] = bufTok[head + i]!;
        ts[i] = bufTs[head + i]!;
      }
      head += n;
      if (head >= 4096 || head === bufTok.length) {
        bufTok = bufTok.slice(head);
        bufTs = bufTs.slice(head);
        head = 0;
      }
      const out = await this.run(tokens, ts, state.data, 1, n, pool);
      const offset = state.position;
      state.data.set(out.state);
      state.position += n;
      return { offset, tokens, ts, features: out.features, state: state.clone(), modelVersion: this.version };
    };
    for await (const item of items) {
      const { tokens, ts } = this.normaliseItem(item);
      for (let i = 0; i < tokens.length; i++) {
        bufTok.push(tokens[i]!);
        bufTs.push(ts[i]!);
      }
      while (bufTok.length - head >= chunk) yield await flush(chunk);
    }
    if (bufTok.length - head > 0) yield await flush(bufTok.length - head);
  }

  /**
   * Streams B lanes at once (across passages or documents), each with its own exact state. Lanes are
   * grouped by length (longest first) into batches of at most maxBatch and advance in lockstep; see the
   * class comment for why lanes are not padded. Returns each lane's final state.
   */
  async runLanes(
    lanes: ReadonlyArray<LaneInput>,
    onFeatures?: LaneFeatureSink,
    opts: { chunkSize?: number; maxBatch?: number } = {},
  ): Promise<LiquidState[]> {
    const chunk = opts.chunkSize ?? this.chunkSize;
    const maxBatch = opts.maxBatch ?? this.maxBatch;
    const { layers: L, hidden: H, featureDim: D } = this.manifest;
    const S = L * H;
    const pool = this.outputPool(); // sink contract: features are only valid during the callback
    const states = lanes.map((l) => {
      const s = (l.state ?? this.zeroState()).clone();
      this.checkState(s);
      return s;
    });
    const tsOf = lanes.map((l) => l.ts ?? new Float32Array(l.tokens.length).fill(this.manifest.ts.token));
    lanes.forEach((l, i) => {
      if (tsOf[i]!.length !== l.tokens.length) throw new Error(`lane ${i}: ts and tokens differ in length`);
    });
    const order = lanes.map((_, i) => i).sort((a, b) => lanes[b]!.tokens.length - lanes[a]!.tokens.length);
    for (let g = 0; g < order.length; g += maxBatch) {
      let active = order.slice(g, g + maxBatch).filter((i) => lanes[i]!.tokens.length > 0);
      let pos = 0; // lanes of a group advance together, so they share the position
      while (active.length > 0) {
        const step = Math.min(chunk, ...active.map((i) => lanes[i]!.tokens.length - pos));
        const B = active.length;
        const tok = new Int32Array(B * step);
        const ts = new Float32Array(B * step);
        const st = new Float32Array(B * S);
        active.forEach((lane, b) => {
          const src = lanes[lane]!;
          for (let t = 0; t < step; t++) {
            tok[b * step + t] = src.tokens[pos + t]!;
            ts[b * step + t] = tsOf[lane]![pos + t]!;
          }
          st.set(states[lane]!.data, b * S);
        });
        const out = await this.run(tok, ts, st, B, step, pool);
        active.forEach((lane, b) => {
          const s = states[lane]!;
          onFeatures?.(lane, s.position, out.features.subarray(b * step * D, (b + 1) * step * D), step);
          s.data.set(out.state.subarray(b * S, (b + 1) * S));
          s.position += step;
        });
        pos += step;
        active = active.filter((i) => lanes[i]!.tokens.length > pos);
      }
    }
    return states;
  }

  /** Independent texts (passages, documents), each from zero state: pooled vector and final state per text. */
  async embedTexts(texts: ReadonlyArray<string>): Promise<Array<VectorResult & { state: LiquidState }>> {
    const lanes = texts.map((t) => this.encodeSentence(t, 'page'));
    const sums = lanes.map(() => new SpanSum(this.featureDim));
    const states = await this.runLanes(lanes, (lane, _off, f, rows) => sums[lane]!.addRows(f, 0, rows));
    return sums.map((s, i) => ({ vector: s.vector(), tokens: s.count, state: states[i]!, modelVersion: this.version }));
  }

  async embedQuery(text: string): Promise<VectorResult> {
    return (await this.embedQueries([text]))[0]!;
  }

  /**
   * Queries: each streamed alone from zero state with ts.sentence on its first token (contract), pooled.
   * Batched by right-padding to the longest query of a batch (safe here: features are causal and the
   * final states are discarded).
   */
  async embedQueries(texts: ReadonlyArray<string>): Promise<VectorResult[]> {
    const prefix = this.manifest.queryPrefix ?? '';
    const encoded = texts.map((t) => this.encodeSentence(prefix + t, 'sentence'));
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[a]!.tokens.length - encoded[b]!.tokens.length);
    const results: VectorResult[] = new Array(texts.length);
    const { layers: L, hidden: H, featureDim: D } = this.manifest;
    const pool = this.outputPool();
    for (let g = 0; g < order.length; g += this.maxBatch) {
      const group = order.slice(g, g + this.maxBatch);
      const T = Math.max(...group.map((i) => encoded[i]!.tokens.length));
      if (T === 0) {
        for (const i of group) results[i] = { vector: new Float32Array(D), tokens: 0, modelVersion: this.version };
        continue;
      }
      const B = group.length;
      const tok = new Int32Array(B * T); // pad id 0: never read back
      const ts = new Float32Array(B * T).fill(this.manifest.ts.token);
      group.forEach((i, b) => {
        tok.set(encoded[i]!.tokens, b * T);
        ts.set(encoded[i]!.ts, b * T);
      });
      const out = await this.run(tok, ts, new Float32Array(B * L * H), B, T, pool);
      group.forEach((i, b) => {
        const n = encoded[i]!.tokens.length;
        const sum = new SpanSum(D);
        sum.addRows(out.features.subarray(b * T * D, (b + 1) * T * D), 0, n);
        results[i] = { vector: sum.vector(), tokens: n, modelVersion: this.version };
      });
    }
    return results;
  }

  /**
   * Streams a whole document through one carried state, sentence after sentence (each tokenized
   * separately, so its tokens are a known contiguous range), and pools sentence, passage and document
   * vectors on the fly: memory stays flat however long the document is (with collect: false).
   */
  async embedDocument(
    sentences: ReadonlyArray<SentenceInput>,
    opts: EmbedDocumentOptions = {},
  ): Promise<DocumentEmbedding> {
    if (opts.lanes && (opts.lanes.lanes ?? DEFAULT_LANE_OPTIONS.lanes) > 1) {
      const lanes = { ...DEFAULT_LANE_OPTIONS, ...opts.lanes };
      lanes.lanes = Math.min(lanes.lanes, opts.lanes.lanes ?? this.maxBatch, this.maxBatch);
      const res = await embedDocumentInLanes(this, sentences, opts, lanes);
      if (res) return res; // null: too short for two segments, lanes buy nothing
    }
    const N = sentences.length;
    const D = this.featureDim;
    const chunk = opts.chunkSize ?? this.chunkSize;
    const collect = opts.collect ?? true;
    const passages = opts.passages ?? [];
    const first = opts.resume?.nextSentence ?? 0;
    if (first < 0 || first > N) throw new Error(`resume.nextSentence ${first} outside [0, ${N}]`);
    // Passages: validate, index by first sentence, and find boundaries no passage straddles (safe to checkpoint at).
    const startsAt = new Map<number, number[]>();
    const straddled = new Uint8Array(N + 1);
    const emptyPassages: number[] = [];
    passages.forEach((p, i) => {
      if (!(p.sentenceStart >= 0 && p.sentenceStart <= p.sentenceEnd && p.sentenceEnd <= N)) {
        throw new Error(`passage ${i}: bad sentence range [${p.sentenceStart}, ${p.sentenceEnd})`);
      }
      if (p.sentenceStart === p.sentenceEnd) {
        // No sentence, no token: a zero vector, like an empty sentence.
        if (p.sentenceStart >= first) emptyPassages.push(i);
        return;
      }
      for (let k = p.sentenceStart + 1; k < p.sentenceEnd; k++) straddled[k] = 1;
      if (p.sentenceStart < first) {
        if (p.sentenceEnd > first) throw new Error(`passage ${i} straddles the resume point ${first}`);
        return;
      }
      const list = startsAt.get(p.sentenceStart) ?? [];
      list.push(i);
      startsAt.set(p.sentenceStart, list);
    });

    const state = (opts.resume?.state ?? this.zeroState()).clone();
    this.checkState(state);
    const pool = this.outputPool();
    const docSum = new SpanSum(D);
    if (opts.resume) docSum.merge(opts.resume.documentSum);
    const result: DocumentEmbedding = {
      modelVersion: this.version,
      firstSentence: first,
      sentenceVectors: [],
      sentenceTokens: [],
      passages: [],
      documentVector: new Float32Array(D),
      state,
      tokens: 0,
      lanes: 1,
    };
    const active = new Map<number, SpanSum>(); // open passages
    const finishSentence = async (index: number, sum: SpanSum): Promise<void> => {
      const v = sum.vector();
      if (collect) {
        result.sentenceVectors.push(v);
        result.sentenceTokens.push(sum.count);
      }
      await opts.onSentence?.(index, v, sum.count);
      for (const p of startsAt.get(index) ?? []) active.set(p, new SpanSum(D));
      for (const [p, acc] of active) {
        acc.merge(sum);
        if (passages[p]!.sentenceEnd - 1 === index) {
          active.delete(p);
          const pv = acc.vector();
          if (collect) result.passages.push({ index: p, vector: pv, tokens: acc.count });
          await opts.onPassage?.(p, pv, acc.count);
        }
      }
    };

    for (const p of emptyPassages) {
      const zero = new Float32Array(D);
      if (collect) result.passages.push({ index: p, vector: zero, tokens: 0 });
      await opts.onPassage?.(p, zero, 0);
    }

    interface Open {
      index: number;
      start: number;
      end: number;
      sum: SpanSum;
    }
    const open: Open[] = [];
    let bufTok: number[] = [];
    let bufTs: number[] = [];
    let next = first;
    let sinceCheckpoint = 0;
    for (;;) {
      while (bufTok.length < chunk && next < N) {
        const s = sentences[next]!;
        const enc = this.encodeSentence(s.text, next === 0 ? 'page' : (s.boundary ?? 'sentence'));
        const start = state.position + bufTok.length;
        for (let i = 0; i < enc.tokens.length; i++) {
          bufTok.push(enc.tokens[i]!);
          bufTs.push(enc.ts[i]!);
        }
        open.push({ index: next, start, end: start + enc.tokens.length, sum: new SpanSum(D) });
        next++;
      }
      if (bufTok.length === 0) break;
      const pos = state.position;
      let cut = Math.min(chunk, bufTok.length);
      let checkpointAt = -1;
      if (opts.checkpointEveryTokens && sinceCheckpoint + cut >= opts.checkpointEveryTokens) {
        for (const s of open) {
          if (s.end > pos + cut) break;
          if (s.end > pos && straddled[s.index + 1] === 0) checkpointAt = s.index + 1;
        }
        if (checkpointAt > 0) cut = open.find((s) => s.index === checkpointAt - 1)!.end - pos;
      }
      const out = await this.run(bufTok.slice(0, cut), bufTs.slice(0, cut), state.data, 1, cut, pool);
      bufTok = bufTok.slice(cut);
      bufTs = bufTs.slice(cut);
      docSum.addRows(out.features, 0, cut);
      state.data.set(out.state);
      state.position = pos + cut;
      sinceCheckpoint += cut;
      while (open.length > 0) {
        const s = open[0]!;
        if (s.start >= pos + cut && s.end > s.start) break;
        if (checkpointAt >= 0 && s.index >= checkpointAt) break;
        const lo = Math.max(s.start, pos);
        const hi = Math.min(s.end, pos + cut);
        if (hi > lo) s.sum.addRows(out.features, lo - pos, hi - pos);
        if (s.end > pos + cut) break;
        open.shift();
        await finishSentence(s.index, s.sum);
      }
      await opts.onProgress?.({ sentencesDone: next - open.length, sentencesTotal: N, tokens: state.position });
      if (checkpointAt >= 0 && opts.onCheckpoint) {
        sinceCheckpoint = 0;
        const documentSum = new SpanSum(D);
        documentSum.merge(docSum);
        await opts.onCheckpoint({ nextSentence: checkpointAt, state: state.clone(), documentSum });
      }
    }
    // Trailing sentences without tokens.
    for (const s of open) await finishSentence(s.index, s.sum);
    result.documentVector = docSum.vector();
    result.tokens = state.position;
    return result;
  }

  private outputPool(): OutputBuffers {
    return new OutputBuffers(this.featureDim, this.manifest.layers * this.manifest.hidden);
  }

  private checkState(s: LiquidState): void {
    const m = this.manifest;
    if (s.layers !== m.layers || s.hidden !== m.hidden) {
      throw new Error(`state is ${s.layers}×${s.hidden}, model needs ${m.layers}×${m.hidden}`);
    }
    if (s.modelVersion !== m.version) throw new Error(`state is from model ${s.modelVersion}, not ${m.version}`);
  }

  private normaliseItem(item: StreamItem): { tokens: ArrayLike<number>; ts: ArrayLike<number> } {
    if (typeof item === 'string') return this.encodeSentence(item, 'sentence');
    if ('text' in item && typeof item.text === 'string')
      return this.encodeSentence(item.text, item.boundary ?? 'sentence');
    if ('tokens' in item) {
      const ts = item.ts ?? new Float32Array(item.tokens.length).fill(this.manifest.ts.token);
      if (ts.length !== item.tokens.length) throw new Error('stream item: ts and tokens differ in length');
      return { tokens: item.tokens, ts };
    }
    const tokens = item as ArrayLike<number>;
    return { tokens, ts: new Float32Array(tokens.length).fill(this.manifest.ts.token) };
  }
}
