import type { PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { session } from '../api';

/**
 * pdf.js, loaded on first use (it is most of the app's weight, and only the document screen needs
 * it). The worker is bundled by Vite; fonts and CMaps are served beside the app; eval is off.
 */
let lib: Promise<typeof import('pdfjs-dist')> | null = null;
function pdfjs() {
  lib ??= import('pdfjs-dist').then((m) => {
    m.GlobalWorkerOptions.workerSrc = workerUrl;
    return m;
  });
  return lib;
}

const open = new Map<string, Promise<PDFDocumentProxy>>();

/** The PDF of a document, fetched (with byte ranges) from the API with the session's key. */
export function loadPdf(documentId: string, url: string): Promise<PDFDocumentProxy> {
  let p = open.get(documentId);
  if (!p) {
    p = pdfjs().then(
      (m) =>
        m.getDocument({
          url,
          httpHeaders: { Authorization: `Bearer ${session.get() ?? ''}` },
          withCredentials: false,
          isEvalSupported: false,
          standardFontDataUrl: '/pdfjs/standard_fonts/',
          cMapUrl: '/pdfjs/cmaps/',
          cMapPacked: true,
          // Below errors only: pdf.js reports recoverable font quirks as warnings on the console.
          verbosity: 0,
        }).promise,
    );
    p.catch(() => open.delete(documentId));
    open.set(documentId, p);
    // Keep a few open documents; the oldest is destroyed (frees its worker-side memory).
    if (open.size > 3) {
      const [oldest, doc] = open.entries().next().value as [string, Promise<PDFDocumentProxy>];
      open.delete(oldest);
      void doc.then((d) => d.destroy()).catch(() => undefined);
    }
  }
  return p;
}

/** Forgets a document's PDF (after it is deleted, or on sign-out). */
export function closePdf(documentId?: string): void {
  for (const [id, p] of open) {
    if (documentId && id !== documentId) continue;
    open.delete(id);
    void p.then((d) => d.destroy()).catch(() => undefined);
  }
}
