import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentVectors, Embedder, SegmentedText } from '../embedder';

/**
 * An embedder that keeps each document's vectors in a file under `dir`, keyed by the model version and
 * the document's text and segmentation, so evals over big files (CUAD: 387 whole contracts) stream each
 * document through the model once across runs. For eval and fitting scripts only; never the service.
 * File: three uint32 (sentences, passages, dims), then the sentence, passage and document vectors as float32.
 */
export function cachedEmbedder(inner: Embedder, dir: string): Embedder {
  mkdirSync(dir, { recursive: true });
  const key = (doc: SegmentedText) =>
    createHash('sha256')
      .update(inner.version)
      .update('\0')
      .update(doc.text)
      .update('\0')
      .update(JSON.stringify(doc.sentences.map((s) => [s.start, s.end])))
      .update(JSON.stringify(doc.passages.map((p) => [p.sentenceStart, p.sentenceEnd])))
      .digest('hex');
  return {
    version: inner.version,
    embedQuery: (t) => inner.embedQuery(t),
    ...(inner.embedQueries ? { embedQueries: (ts: readonly string[]) => inner.embedQueries!(ts) } : {}),
    async embedDocument(doc) {
      const file = join(dir, `${key(doc)}.f32`);
      if (existsSync(file)) return readVectors(readFileSync(file));
      const v = await inner.embedDocument(doc);
      writeFileSync(`${file}.tmp`, writeVectors(v));
      renameSync(`${file}.tmp`, file);
      return v;
    },
  };
}

function writeVectors(v: DocumentVectors): Buffer {
  const dims = v.document.length;
  const n = v.sentences.length + v.passages.length + 1;
  const out = new Float32Array(n * dims);
  [...v.sentences, ...v.passages, v.document].forEach((x, i) => out.set(x, i * dims));
  const head = Buffer.alloc(12);
  head.writeUInt32LE(v.sentences.length, 0);
  head.writeUInt32LE(v.passages.length, 4);
  head.writeUInt32LE(dims, 8);
  return Buffer.concat([head, Buffer.from(out.buffer)]);
}

function readVectors(buf: Buffer): DocumentVectors {
  const ns = buf.readUInt32LE(0);
  const np = buf.readUInt32LE(4);
  const dims = buf.readUInt32LE(8);
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset + 12, buf.byteOffset + buf.length));
  const at = (i: number) => all.slice(i * dims, (i + 1) * dims);
  return {
    sentences: Array.from({ length: ns }, (_, i) => at(i)),
    passages: Array.from({ length: np }, (_, i) => at(ns + i)),
    document: at(ns + np),
  };
}
