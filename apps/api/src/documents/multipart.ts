import { ElegansError } from '@elegans/common';
import type { BlobStore, BlobWriteResult, PendingBlob } from '@elegans/storage';
import busboy from 'busboy';
import type { Request } from 'express';

/** One file part, streamed into a pending blob (hashed and counted, not yet committed under its hash). */
export type ReceivedFile = { pending: PendingBlob; filename: string | null; mimeType: string | null } & BlobWriteResult;

export interface ReceiveOptions {
  /** Names accepted for file parts; any other file part fails the request. */
  fileFields: string[];
  maxFiles: number;
  maxFileBytes: number;
  maxFieldBytes: number;
  /** The validation message for a file part with another name. */
  wrongFieldMessage: (name: string) => string;
  /** The validation message when more than maxFiles files arrive. */
  tooManyFilesMessage: string;
}

const malformed = (err: Error) => new ElegansError('bad_request', `malformed multipart body: ${err.message}`);

/**
 * Streams a multipart/form-data body: every file part goes straight into its own pending blob
 * (never buffered whole), in the order sent; small text fields are collected. Any failure (a bad
 * part, a limit, a client that disconnects) discards every pending blob of the request, so no temp
 * file outlives it. The client's file name is kept as metadata only, never used as a path.
 */
export function receiveFiles(
  req: Request,
  blobs: BlobStore,
  opts: ReceiveOptions,
): Promise<{ files: ReceivedFile[]; fields: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: {
          files: opts.maxFiles,
          fields: 20,
          parts: opts.maxFiles + 20,
          fieldSize: opts.maxFieldBytes,
          headerPairs: 50,
        },
      });
    } catch (err) {
      reject(malformed(err as Error));
      return;
    }
    const fields: Record<string, string> = {};
    const writes: Promise<ReceivedFile | null>[] = [];
    const streams: (NodeJS.ReadableStream & { destroy(err?: Error): void })[] = [];
    let failure: unknown = null;
    const fail = (err: unknown) => {
      failure ??= err;
    };

    bb.on('file', (name, stream, info) => {
      streams.push(stream);
      // Attached synchronously: busboy can emit a truncation error before the blob writer listens.
      stream.on('error', (err) => fail(malformed(err)));
      if (!opts.fileFields.includes(name)) {
        stream.resume();
        fail(new ElegansError('validation_failed', opts.wrongFieldMessage(name)));
        return;
      }
      writes.push(
        blobs.write(stream, opts.maxFileBytes).then(
          (w) => ({
            ...w,
            filename: info.filename ? info.filename.slice(0, 255) : null,
            mimeType: info.mimeType || null,
          }),
          (err: unknown) => {
            fail(err);
            return null;
          },
        ),
      );
    });
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) {
        fail(new ElegansError('validation_failed', `field '${name}' exceeds ${opts.maxFieldBytes} bytes`));
        return;
      }
      fields[name] = value;
    });
    bb.on('filesLimit', () => fail(new ElegansError('validation_failed', opts.tooManyFilesMessage)));
    bb.on('fieldsLimit', () => fail(new ElegansError('validation_failed', 'too many form fields')));
    bb.on('partsLimit', () => fail(new ElegansError('validation_failed', 'too many form parts')));

    let settled = false;
    const finish = async (err?: unknown) => {
      if (settled) return;
      settled = true;
      if (err) fail(malformed(err as Error));
      const files = await Promise.all(writes);
      if (failure) {
        await Promise.all(files.map((f) => f?.pending.discard()));
        // Let the rest of the body drain so the client reads our answer instead of a reset.
        req.unpipe(bb);
        req.resume();
        reject(failure);
        return;
      }
      resolve({ files: files.filter((f): f is ReceivedFile => f !== null), fields });
    };
    bb.on('error', (err) => void finish(err));
    bb.on('close', () => void finish());
    req.on('aborted', () => {
      // The body will never end: fail the blob writes so their temp files are removed.
      const aborted = new Error('client aborted the upload');
      for (const s of streams) s.destroy(aborted);
      void finish(aborted);
    });
    req.pipe(bb);
  });
}

export interface ReceivedUpload {
  file: ReceivedFile | null;
  fields: Record<string, string>;
}

export interface MultipartLimits {
  maxFileBytes: number;
  maxFieldBytes: number;
}

/** A single upload: at most one file, as field `file`. */
export async function receiveMultipart(
  req: Request,
  blobs: BlobStore,
  limits: MultipartLimits,
): Promise<ReceivedUpload> {
  const { files, fields } = await receiveFiles(req, blobs, {
    ...limits,
    fileFields: ['file'],
    maxFiles: 1,
    wrongFieldMessage: (name) => `unexpected file field '${name}': send one file as 'file'`,
    tooManyFilesMessage: "send exactly one file, as field 'file'",
  });
  return { file: files[0] ?? null, fields };
}
