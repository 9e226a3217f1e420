import { dirname, join } from 'node:path';
import { createWorker, OEM, type Worker } from 'tesseract.js';

/**
 * OCR engine: tesseract.js (Tesseract 5 LSTM compiled to WebAssembly) with the English
 * `4.0.0_best_int` model from `@tesseract.js-data/eng`. Everything resolves from node_modules
 * (worker script, wasm core, language data) and no cache is written, so nothing is fetched at run
 * time: tesseract.js would otherwise download the language data from a CDN and cache it in cwd.
 * Chosen over PaddleOCR-on-onnxruntime because it ships its model as an npm package and does
 * layout analysis (blocks, lines, words with boxes and confidences) itself.
 */
export interface OcrWord {
  text: string;
  /** Pixel box in the rendered image, top-left origin. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  confidence: number;
}

export interface OcrLine {
  text: string;
  /** Pixel box of the line, top-left origin. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  words: OcrWord[];
}

export interface OcrPageResult {
  /** Lines in Tesseract's reading order (block by block). */
  lines: OcrLine[];
  /** Mean word confidence 0..100 (tesseract's page confidence). */
  confidence: number;
}

/** The options handed to tesseract.js: every path local, no cache (checked by engine.spec.ts). */
export function offlineWorkerOptions(): {
  workerPath: string;
  corePath: string;
  langPath: string;
  cacheMethod: 'none';
  gzip: true;
  workerBlobURL: false;
} {
  return {
    workerPath: join(dirname(require.resolve('tesseract.js/package.json')), 'src', 'worker-script', 'node', 'index.js'),
    corePath: dirname(require.resolve('tesseract.js-core/package.json')),
    langPath: join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int'),
    cacheMethod: 'none',
    gzip: true,
    workerBlobURL: false,
  };
}

export class OcrTimeoutError extends Error {}

/**
 * One tesseract worker (its own thread), created on first use. A page that runs past its time
 * limit terminates the thread (WebAssembly cannot be interrupted otherwise); the next page gets a
 * fresh one.
 */
export class OcrEngine {
  private worker: Promise<Worker> | null = null;

  private get(): Promise<Worker> {
    this.worker ??= createWorker('eng', OEM.LSTM_ONLY, offlineWorkerOptions()).catch((err: unknown) => {
      this.worker = null;
      throw err;
    });
    return this.worker;
  }

  /** Recognizes one 8-bit grayscale PGM image rendered at `dpi`. */
  async recognize(pgm: Uint8Array, dpi: number, timeoutMs: number): Promise<OcrPageResult> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new OcrTimeoutError(`OCR of the page took longer than ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      const work = (async () => {
        const w = await this.get();
        await w.setParameters({ user_defined_dpi: String(dpi) });
        const remaining = timeoutMs - (Date.now() - started);
        if (remaining <= 0) throw new OcrTimeoutError(`OCR of the page took longer than ${timeoutMs} ms`);
        return w.recognize(Buffer.from(pgm.buffer, pgm.byteOffset, pgm.byteLength), {}, { blocks: true, text: false });
      })();
      work.catch(() => undefined);
      const res = await Promise.race([work, timeout]);
      const lines: OcrLine[] = [];
      for (const block of res.data.blocks ?? [])
        for (const para of block.paragraphs)
          for (const line of para.lines) {
            const words: OcrWord[] = [];
            for (const w of line.words) {
              const text = w.text.trim();
              if (text) words.push({ text, ...w.bbox, confidence: w.confidence });
            }
            if (words.length) lines.push({ text: words.map((w) => w.text).join(' '), ...line.bbox, words });
          }
      return { lines, confidence: res.data.confidence };
    } catch (err) {
      if (err instanceof OcrTimeoutError) await this.close();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.then((x) => x.terminate()).catch(() => undefined);
  }
}
