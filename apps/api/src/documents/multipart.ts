import { ElegansError } from '@elegans/common';
import type { BlobStore, BlobWriteResult, PendingBlob } from '@elegans/storage';
import busboy from 'busboy';
import type { Request } from 'express';

export interface ReceivedUpload {
  file: ({ pending: PendingBlob; filename: string | null; mimeType: string | null } & BlobWriteResult) | null;
  fields: Record<string, string>;
}

export interface MultipartLimits {
  maxFileBytes: number;
  maxFieldBytes: number;
}

/**
 * Streams a multipart/form-data body: the part named `file` goes straight into the blob store
 * (hashed and counted on the way, never buffered whole); small text fields are collected.
 * The client's file name is kept as metadata only, never used as a path.
 */
export function receiveMultipart(req: Request, blobs: BlobStore, limits: MultipartLimits): Promise<ReceivedUpload> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { files: 1, fields: 20, parts: 30, fieldSize: limits.maxFieldBytes, headerPairs: 50 },
      });
    } catch (err) {
      reject(new ElegansError('bad_request', `malformed multipart body: ${(err as Error).message}`));
      return;
    }
    const fields: Record<string, string> = {};
    let fileWrite: Promise<ReceivedUpload['file']> | null = null;
    let fileStream: (NodeJS.ReadableStream & { destroy(err?: Error): void }) | null = null;
    let failure: unknown = null;
    const fail = (err: unknown) => {
      failure ??= err;
    };

    bb.on('file', (name, stream, info) => {
      fileStream = stream;
      // Attached synchronously: busboy can emit a truncation error before the blob writer listens.
      stream.on('error', (err) => fail(new ElegansError('bad_request', `malformed multipart body: ${err.message}`)));
      if (name !== 'file' || fileWrite) {
        stream.resume();
        fail(new ElegansError('validation_failed', `unexpected file field '${name}': send one file as 'file'`));
        return;
      }
      fileWrite = blobs.write(stream, limits.maxFileBytes).then(
        (w) => ({
          ...w,
          filename: info.filename ? info.filename.slice(0, 255) : null,
          mimeType: info.mimeType || null,
        }),
        (err: unknown) => {
          fail(err);
          return null;
        },
      );
    });
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) {
        fail(new ElegansError('validation_failed', `field '${name}' exceeds ${limits.maxFieldBytes} bytes`));
        return;
      }
      fields[name] = value;
    });
    bb.on('filesLimit', () => fail(new ElegansError('validation_failed', "send exactly one file, as field 'file'")));
    bb.on('fieldsLimit', () => fail(new ElegansError('validation_failed', 'too many form fields')));
    bb.on('partsLimit', () => fail(new ElegansError('validation_failed', 'too many form parts')));

    let settled = false;
    const finish = async (err?: unknown) => {
      if (settled) return;
      settled = true;
      if (err) fail(new ElegansError('bad_request', `malformed multipart body: ${(err as Error).message}`));
      const file = fileWrite ? await fileWrite : null;
      if (failure) {
        await file?.pending.discard();
        // Let the rest of the body drain so the client reads our answer instead of a reset.
        req.unpipe(bb);
        req.resume();
        reject(failure);
        return;
      }
      resolve({ file, fields });
    };
    bb.on('error', (err) => void finish(err));
    bb.on('close', () => void finish());
    req.on('aborted', () => {
      // The body will never end: fail the blob write so its temp file is removed.
      fileStream?.destroy(new Error('client aborted the upload'));
      void finish(new Error('client aborted the upload'));
    });
    req.pipe(bb);
  });
}
