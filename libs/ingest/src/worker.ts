import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ElegansError, type ErrorCode } from '@elegans/common';
import { parseDeadlineMs, resolveLimits, resolveOcr, type ParseOptions } from './parse';
import type { ParsedDocument } from './types';
import type { WorkerReply, WorkerTask } from './worker-entry';

/**
 * Parses in a worker thread so a slow or hostile document can never block or crash the caller:
 *  - the thread is terminated at `limits.parseTimeoutMs` (V8 interrupts even a tight loop) → parse_timeout;
 *  - its heap is capped (`limits.workerMemoryMb`, default 2048) and a crash or OOM → parse_failed;
 *  - an AbortSignal terminates it → cancelled.
 * Healthy threads are kept (unref'd) for the next parse, so pdf.js loads once per thread.
 */
export interface WorkerParseOptions extends ParseOptions {
  signal?: AbortSignal;
}

const DEFAULT_WORKER_MEMORY_MB = 2048;
const IDLE_MS = 15_000;
const MAX_IDLE = 4;
/**
 * V8 rarely returns heap to the OS, so a thread that once parsed a huge file stays big. Threads
 * are retired when their heap passes this size or after this many tasks, which keeps a long
 * batch's RSS flat (measured on the pdf.js corpus: see README).
 */
const RETIRE_HEAP_MB = 256;
const RETIRE_AFTER_TASKS = 64;

interface PooledWorker {
  worker: Worker;
  memoryMb: number;
  tasks: number;
  idleTimer?: NodeJS.Timeout;
}

const idle: PooledWorker[] = [];
let nextId = 1;

function workerScript(): { filename: string; eval: boolean } {
  const js = join(__dirname, 'worker-entry.js');
  if (existsSync(js)) return { filename: js, eval: false };
  // Running from TypeScript sources (vitest, tsx): load the entry through tsx's require hook,
  // which also resolves the tsconfig path aliases.
  const ts = join(__dirname, 'worker-entry.ts');
  return { filename: `require('tsx/cjs');require(${JSON.stringify(ts)});`, eval: true };
}

function spawn(memoryMb: number): PooledWorker {
  const script = workerScript();
  const worker = new Worker(script.filename, {
    eval: script.eval,
    resourceLimits: { maxOldGenerationSizeMb: memoryMb },
    // The worker's console must never reach our stdout (the CLI's --json goes there).
    stdout: true,
    stderr: true,
  });
  worker.stdout.on('data', (d: Buffer) => process.stderr.write(d));
  worker.stderr.on('data', (d: Buffer) => process.stderr.write(d));
  return { worker, memoryMb, tasks: 0 };
}

function acquire(memoryMb: number): PooledWorker {
  const i = idle.findIndex((w) => w.memoryMb === memoryMb);
  if (i >= 0) {
    const w = idle.splice(i, 1)[0]!;
    clearTimeout(w.idleTimer);
    w.worker.ref();
    return w;
  }
  return spawn(memoryMb);
}

function release(w: PooledWorker, heapMb: number): void {
  w.worker.removeAllListeners('message');
  w.worker.removeAllListeners('error');
  w.worker.removeAllListeners('exit');
  w.tasks++;
  if (idle.length >= MAX_IDLE || heapMb > RETIRE_HEAP_MB || w.tasks >= RETIRE_AFTER_TASKS) {
    void w.worker.terminate();
    return;
  }
  w.worker.unref();
  w.worker.on('error', () => undefined);
  const leave = () => {
    const k = idle.indexOf(w);
    if (k >= 0) idle.splice(k, 1);
  };
  w.worker.on('exit', leave);
  // Out of the pool before terminate(): its exit event comes later, and a parse acquiring the
  // thread in between would die with it ("parser thread exited with code 1").
  w.idleTimer = setTimeout(() => {
    leave();
    void w.worker.terminate();
  }, IDLE_MS);
  w.idleTimer.unref();
  idle.push(w);
}

/** Terminates idle parse threads (for tests and graceful shutdown). */
export async function closeParseWorkers(): Promise<void> {
  const all = idle.splice(0);
  await Promise.all(all.map((w) => (clearTimeout(w.idleTimer), w.worker.terminate())));
}

export async function parseInWorker(
  input: Uint8Array | string,
  options: WorkerParseOptions = {},
): Promise<ParsedDocument> {
  const limits = resolveLimits(options.limits);
  if (typeof input === 'string') {
    const st = await stat(input).catch(() => null);
    if (!st || !st.isFile()) throw new ElegansError('parse_failed', 'cannot read file');
    if (st.size > limits.maxBytes) {
      throw new ElegansError('too_large', `document is ${st.size} bytes; the limit is ${limits.maxBytes}`);
    }
  } else if (input.length > limits.maxBytes) {
    throw new ElegansError('too_large', `document is ${input.length} bytes; the limit is ${limits.maxBytes}`);
  }
  if (options.signal?.aborted) throw new ElegansError('cancelled', 'parse cancelled');

  const memoryMb = limits.workerMemoryMb ?? DEFAULT_WORKER_MEMORY_MB;
  const pooled = acquire(memoryMb);
  const { worker } = pooled;
  const id = nextId++;
  const { onProgress, signal, ...rest } = options;
  const task: WorkerTask = { id, options: { ...rest, limits } };
  const transfer: ArrayBuffer[] = [];
  if (typeof input === 'string') task.path = input;
  else {
    // Copy so the caller keeps its bytes; the copy is moved, not cloned again.
    const copy = new Uint8Array(input);
    task.bytes = copy.buffer;
    transfer.push(copy.buffer);
  }

  return new Promise<ParsedDocument>((resolve, reject) => {
    let settled = false;
    const finish = (healthy: boolean, fn: () => void, heapMb = 0): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (healthy) release(pooled, heapMb);
      else {
        worker.removeAllListeners();
        worker.on('error', () => undefined);
        void worker.terminate();
      }
      fn();
    };
    const fail = (code: ErrorCode, message: string, healthy: boolean, heapMb = 0): void =>
      finish(healthy, () => reject(new ElegansError(code, message)), heapMb);
    const deadlineMs = parseDeadlineMs(limits, resolveOcr(options.ocr));
    const timer = setTimeout(
      () => fail('parse_timeout', `parsing took longer than ${deadlineMs} ms`, false),
      deadlineMs,
    );
    const onAbort = (): void => fail('cancelled', 'parse cancelled', false);
    signal?.addEventListener('abort', onAbort, { once: true });

    worker.on('message', (reply: WorkerReply) => {
      if (reply.id !== id) return;
      if (reply.type === 'progress') onProgress?.(reply.fraction, reply.stage);
      else if (reply.type === 'done') finish(true, () => resolve(reply.doc), reply.heapMb);
      else fail(reply.code as ErrorCode, reply.message, true, reply.heapMb);
    });
    worker.on('error', (err: Error & { code?: string }) => {
      const oom = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
      fail(
        'parse_failed',
        oom ? `parser ran out of memory (limit ${memoryMb} MB)` : `parser crashed: ${err.message}`,
        false,
      );
    });
    worker.on('exit', (code) => fail('parse_failed', `parser thread exited with code ${code}`, false));
    worker.postMessage(task, transfer);
  });
}
