import type { DocumentCheckpoint } from './liquid-model';
import { SpanSum } from './pooling';
import { LiquidState } from './state';

/**
 * A document checkpoint as bytes: where to resume (next sentence), the running document sum, and the
 * serialised state. Layout (LE): magic "ELQC", u16 version 1, u16 pad, u32 nextSentence, f64 documentCount,
 * u32 D, D × f64 documentSum, then the LiquidState bytes.
 */
const MAGIC = 0x43514c45; // "ELQC"

export function serializeCheckpoint(cp: DocumentCheckpoint): Buffer {
  const D = cp.documentSum.dim;
  const head = Buffer.alloc(24 + D * 8);
  head.writeUInt32LE(MAGIC, 0);
  head.writeUInt16LE(1, 4);
  head.writeUInt32LE(cp.nextSentence, 8);
  head.writeDoubleLE(cp.documentSum.count, 12);
  head.writeUInt32LE(D, 20);
  for (let i = 0; i < D; i++) head.writeDoubleLE(cp.documentSum.sum[i]!, 24 + i * 8);
  return Buffer.concat([head, cp.state.serialize()]);
}

export function deserializeCheckpoint(
  bytes: Uint8Array,
  expect?: { layers?: number; hidden?: number; modelVersion?: string },
): DocumentCheckpoint {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 24 || buf.readUInt32LE(0) !== MAGIC || buf.readUInt16LE(4) !== 1) {
    throw new Error('not a serialized document checkpoint');
  }
  const D = buf.readUInt32LE(20);
  if (buf.length < 24 + D * 8) throw new Error('document checkpoint is truncated');
  const documentSum = new SpanSum(D);
  documentSum.count = buf.readDoubleLE(12);
  for (let i = 0; i < D; i++) documentSum.sum[i] = buf.readDoubleLE(24 + i * 8);
  return {
    nextSentence: buf.readUInt32LE(8),
    documentSum,
    state: LiquidState.deserialize(buf.subarray(24 + D * 8), expect),
  };
}
