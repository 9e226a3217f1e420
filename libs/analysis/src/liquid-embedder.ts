import { LiquidModel, type Boundary, type LiquidModelOptions } from '@elegans/model';
import type { DocumentVectors, Embedder, SegmentedText } from './embedder';

/** analysis's Embedder on top of libs/model's LiquidModel (in-process ONNX Runtime session). */
export class LiquidEmbedder implements Embedder {
  constructor(readonly model: LiquidModel) {}

  static async load(opts: LiquidModelOptions = {}): Promise<LiquidEmbedder> {
    return new LiquidEmbedder(await LiquidModel.load(opts));
  }

  get version(): string {
    return this.model.manifest.version;
  }

  async embedDocument(doc: SegmentedText): Promise<DocumentVectors> {
    const sentences = doc.sentences.map((s, i) => {
      let boundary: Boundary = 'sentence';
      if (i === 0 || s.page !== doc.sentences[i - 1]!.page) boundary = 'page';
      else if (doc.paragraphStarts?.has(i)) boundary = 'paragraph';
      return { text: s.text, boundary };
    });
    const e = await this.model.embedDocument(sentences, { passages: doc.passages });
    const passages = new Array<Float32Array>(doc.passages.length);
    for (const p of e.passages) passages[p.index] = p.vector;
    return { sentences: e.sentenceVectors, passages, document: e.documentVector };
  }

  async embedQuery(text: string): Promise<Float32Array> {
    return (await this.model.embedQuery(text)).vector;
  }

  async embedQueries(texts: readonly string[]): Promise<Float32Array[]> {
    return (await this.model.embedQueries(texts)).map((r) => r.vector);
  }

  async release(): Promise<void> {
    await this.model.release();
  }
}
