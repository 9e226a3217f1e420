import { ElegansError } from '@elegans/common';
import type { BlobStore, BlobWriteResult, PendingBlob } from '@elegans/storage';
import busboy from 'busboy';
import type { Request } from 'express';

export type ReceivedFile = { pending: PendingBlob; filename: string | null; mimeType: string | null } & BlobWriteResult;

export interface BatchLimits {
  maxFiles: number;
  maxFileBytes: number;
  maxFieldBytes: number;
}

/**
 * Streams a multipart/form-data body with many files (parts named `files` or `file`), each straight
 * into its own pending blob (hashed and counted, never buffered whole), in the order sent. Any
 * failure discards every pending blob of the request. Like the single upload, a client file name is
 * metadata only.
 */
export function receiveBatch(
  req: Request,
  blobs: BlobStore,
  limits: BatchLimits,
): Promise<{ files: ReceivedFile[]; fields: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: {
          files: limits.maxFiles,
          fields: 20,
          parts: limits.maxFiles + 20,
          fieldSize: limits.maxFieldBytes,
          fileSize: limits.maxFileBytes + 1,
          headerPairs: 50,
        },
      });
    } catch (err) {
      reject(new ElegansError('bad_request', `malformed multipart body: ${(err as Error).message}`));
      return;
    }
    const fields: Record<string, string> = {};
    const writes: Promise<ReceivedFile | null>[] = [];
    let failure: unknown = null;
    const fail = (err: unknown) => {
      failure ??= err;
    };

    bb.on('file', (name, stream, info) => {
      stream.on('error', (err) => fail(new ElegansError('bad_request', `malformed multipart body: ${err.message}`)));
      if (name !== 'files' && name !== 'file') {
        stream.resume();
        fail(new ElegansError('validation_failed', `unexpected file field '${name}': send files as 'files'`));
        return;
      }
      writes.push(
        blobs.write(stream, limits.maxFileBytes).then(
          (w) => ({
            ...w,
            filename: info.filename ? info.filename.slice(0, 255) : null,
            mimeType: info.mimeType || null,
          }),
          (err: unknown) => {
            fail(
              err instanceof ElegansError && err.code === 'payload_too_large'
                ? new ElegansError('payload_too_large', `a file exceeds ${limits.maxFileBytes} bytes`)
                : err,
            );
            return null;
          },
        ),
      );
    });
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) {
        fail(new ElegansError('validation_failed', `field '${name}' exceeds ${limits.maxFieldBytes} bytes`));
        return;
      }
      fields[name] = value;
    });
    bb.on('filesLimit', () =>
      fail(new ElegansError('validation_failed', `too many files: at most ${limits.maxFiles} per batch`)),
    );
    bb.on('fieldsLimit', () => fail(new ElegansError('validation_failed', 'too many form fields')));
    bb.on('partsLimit', () => fail(new ElegansError('validation_failed', 'too many form parts')));

    let settled = false;
    const finish = async (err?: unknown) => {
      if (settled) return;
      settled = true;
      if (err) fail(new ElegansError('bad_request', `malformed multipart body: ${(err as Error).message}`));
      const files = await Promise.all(writes);
      if (failure) {
        await Promise.all(files.map((f) => f?.pending.discard()));
        req.unpipe(bb);
        req.resume();
        reject(failure);
        return;
      }
      resolve({ files: files.filter((f): f is ReceivedFile => f !== null), fields });
    };
    bb.on('error', (err) => void finish(err));
    bb.on('close', () => void finish());
    req.on('aborted', () => void finish(new Error('client aborted the upload')));
    req.pipe(bb);
  });
}
