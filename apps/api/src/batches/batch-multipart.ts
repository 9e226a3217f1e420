import { ElegansError } from '@elegans/common';
import type { BlobStore } from '@elegans/storage';
import type { Request } from 'express';
import { receiveFiles, type ReceivedFile } from '../documents/multipart';

export type { ReceivedFile };

export interface BatchLimits {
  maxFiles: number;
  maxFileBytes: number;
  maxFieldBytes: number;
}

/** A batch: many files (parts named `files` or `file`), in the order sent. */
export async function receiveBatch(
  req: Request,
  blobs: BlobStore,
  limits: BatchLimits,
): Promise<{ files: ReceivedFile[]; fields: Record<string, string> }> {
  return receiveFiles(req, blobs, {
    ...limits,
    fileFields: ['files', 'file'],
    wrongFieldMessage: (name) => `unexpected file field '${name}': send files as 'files'`,
    tooManyFilesMessage: `too many files: at most ${limits.maxFiles} per batch`,
  }).catch((err: unknown) => {
    throw err instanceof ElegansError && err.code === 'payload_too_large'
      ? new ElegansError('payload_too_large', `a file exceeds ${limits.maxFileBytes} bytes`)
      : err;
  });
}
