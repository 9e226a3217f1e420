import { LiquidModel, type LiquidModelOptions } from '@elegans/model';
import type { QueryEmbedder, SentenceBoundary } from './types';

/**
 * The liquid model as retrieval uses it: query vectors, independent texts, and a document's
 * sentence and passage vectors streamed with one carried state (what indexing and reindexing
 * store). All vectors are L2-normalised mean-pooled features (notes/model-contract.md).
 */
export interface LiquidEmbedder extends QueryEmbedder {
  readonly model: LiquidModel;
  /** Many queries at once (batched): each the same vector `embedQuery` gives for it. */
  embedQueries(texts: string[]): Promise<Float32Array[]>;
  /** Tokens the model reads for this query (the manifest's query prefix included): the unit of usage and limits. */
  queryTokenCount(text: string): number;
  embedTexts(texts: string[]): Promise<Float32Array[]>;
  embedDocumentUnits(
    sentences: { text: string; boundary?: SentenceBoundary }[],
    passages: { sentenceStart: number; sentenceEnd: number; text: string }[],
  ): Promise<{ sentences: Float32Array[]; passages: Float32Array[] }>;
  release(): Promise<void>;
}

export function liquidEmbedder(model: LiquidModel): LiquidEmbedder {
  return {
    model,
    modelVersion: model.version,
    embedQuery: async (text) => (await model.embedQuery(text)).vector,
    embedQueries: async (texts) => (await model.embedQueries(texts)).map((r) => r.vector),
    queryTokenCount: (text) => model.encode((model.manifest.queryPrefix ?? '') + text).length,
    embedTexts: async (texts) => (await model.embedTexts(texts)).map((r) => r.vector),
    async embedDocumentUnits(sentences, passages) {
      // Passages with no sentence (a unit the parser could not split) cannot be pooled from
      // sentences; embed their text on its own instead.
      const valid = passages.map((p) => p.sentenceStart < p.sentenceEnd && p.sentenceEnd <= sentences.length);
      const res = await model.embedDocument(sentences, { passages: passages.filter((_, i) => valid[i]) });
      const byIndex = new Map<number, Float32Array>();
      const validIdx = passages.map((_, i) => i).filter((i) => valid[i]);
      for (const p of res.passages) byIndex.set(validIdx[p.index]!, p.vector);
      const loose = passages.map((_, i) => i).filter((i) => !valid[i]);
      if (loose.length) {
        const vs = await model.embedTexts(loose.map((i) => passages[i]!.text));
        loose.forEach((i, j) => byIndex.set(i, vs[j]!.vector));
      }
      return { sentences: res.sentenceVectors, passages: passages.map((_, i) => byIndex.get(i)!) };
    },
    release: () => model.release(),
  };
}

export async function loadLiquidEmbedder(modelDir?: string, opts: LiquidModelOptions = {}): Promise<LiquidEmbedder> {
  const model = await LiquidModel.load({ ...opts, ...(modelDir ? { modelDir } : {}) });
  return liquidEmbedder(model);
}
