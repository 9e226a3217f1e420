/**
 * Worker-thread side of parseInWorker. Receives one task at a time, parses it and posts the
 * result or a stable error code back. The thread is disposable: the parent kills it on timeout.
 */
import { readFile } from 'node:fs/promises';
import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { isElegansError } from '@elegans/common';
import { parseDocument, type ParseOptions } from './parse';
import type { ProgressStage } from './types';

export interface WorkerTask {
  id: number;
  path?: string;
  bytes?: ArrayBuffer;
  options: Omit<ParseOptions, 'onProgress'>;
}

export type WorkerReply =
  | { type: 'progress'; id: number; fraction: number; stage: ProgressStage }
  | { type: 'done'; id: number; doc: Awaited<ReturnType<typeof parseDocument>>; heapMb: number }
  | { type: 'error'; id: number; code: string; message: string; heapMb: number };

// pdf.js can leave internal promises rejected after a failed parse; they must not kill the thread
// (the task's own outcome is reported through its promise).
process.on('unhandledRejection', () => undefined);

const port = parentPort;
if (port) {
  port.on('message', (task: WorkerTask) => {
    void run(task).then((reply) => port.postMessage(reply));
  });
}

async function run(task: WorkerTask): Promise<WorkerReply> {
  let lastProgress = 0;
  let lastStage: ProgressStage = 'parsing';
  try {
    const bytes = task.path ? new Uint8Array(await readFile(task.path)) : new Uint8Array(task.bytes!);
    const doc = await parseDocument(bytes, {
      ...task.options,
      onProgress: (fraction, stage) => {
        // At most ~50 progress messages per stage; a new stage is always reported.
        if (stage !== lastStage || fraction - lastProgress >= 0.02 || fraction >= 1) {
          lastProgress = fraction;
          lastStage = stage;
          port?.postMessage({ type: 'progress', id: task.id, fraction, stage } satisfies WorkerReply);
        }
      },
    });
    return { type: 'done', id: task.id, doc, heapMb: heapMb() };
  } catch (err) {
    if (isElegansError(err))
      return { type: 'error', id: task.id, code: err.code, message: err.message, heapMb: heapMb() };
    const e = err as NodeJS.ErrnoException;
    if (e?.code === 'ENOENT' || e?.code === 'EISDIR' || e?.code === 'EACCES') {
      return {
        type: 'error',
        id: task.id,
        code: 'parse_failed',
        message: `cannot read file: ${e.code}`,
        heapMb: heapMb(),
      };
    }
    return { type: 'error', id: task.id, code: 'parse_failed', message: e?.message ?? String(err), heapMb: heapMb() };
  }
}

/** Heap the thread holds after a task; the pool retires threads that grew large. */
function heapMb(): number {
  return Math.round(getHeapStatistics().total_heap_size / 1048576);
}
