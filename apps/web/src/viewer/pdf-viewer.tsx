import type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, describeError } from '../api';
import type { Box, Geometry } from '../types';
import { boxesOnPage, fitScale, scaleBoxes, splitAtRange } from './highlight';
import { PageNav } from './page-nav';
import { backingRatio, FIT, onZoomKey } from './zoom';
import { ZoomControls } from './zoom-controls';

/** The largest scale a page is drawn at (points → CSS pixels), whatever the zoom. */
const MAX_SCALE = 6;
/** Padding of .page-wrap on each side (styles.css): the page fits inside it. */
const PAGE_FRAME_PX = 8;

interface Props {
  documentId: string;
  page: number;
  range: { start: number; end: number } | null;
  onPage(page: number): void;
}

/**
 * One PDF page rendered by pdf.js, fitted to the width available and zoomed from there, with the
 * cited range drawn over it as boxes from the geometry ingest stored (so the highlight is the
 * exact characters cited, at any zoom).
 */
export function PdfViewer({ documentId, page, range, onPage }: Props) {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [pdf, setPdf] = useState<PDFDocumentProxy | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [scale, setScale] = useState(0);
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  const [geometry, setGeometry] = useState<Geometry | null>(null);
  const [geometryNote, setGeometryNote] = useState<string | null>(null);
  const [width, setWidth] = useState(0);
  const [quote, setQuote] = useState<string | null>(null);
  const [zoom, setZoom] = useState(FIT);

  useEffect(() => {
    let live = true;
    setPdf(null);
    setError(null);
    import('./pdf')
      .then((m) => m.loadPdf(documentId, api.fileUrl(documentId)))
      .then((d) => live && setPdf(d))
      .catch((e: unknown) => live && setError(`The PDF could not be opened: ${describeError(e)}`));
    return () => void (live = false);
  }, [documentId]);

  // Re-fit on resize (phone rotation, window width).
  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(0, Math.floor(el.clientWidth) - 2 * PAGE_FRAME_PX)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    if (!pdf || !canvas.current || width === 0) return;
    const n = Math.min(Math.max(1, page), pdf.numPages);
    let task: RenderTask | null = null;
    let live = true;
    void (async () => {
      try {
        const p = await pdf.getPage(n);
        if (!live) return;
        const s = Math.min(MAX_SCALE, fitScale(p.getViewport({ scale: 1 }).width, width) * zoom);
        const vp = p.getViewport({ scale: s });
        const dpr = backingRatio(vp.width, vp.height, window.devicePixelRatio || 1);
        const c = canvas.current!;
        c.width = Math.floor(vp.width * dpr);
        c.height = Math.floor(vp.height * dpr);
        c.style.width = `${Math.floor(vp.width)}px`;
        c.style.height = `${Math.floor(vp.height)}px`;
        task = p.render({ canvas: c, viewport: vp, ...(dpr !== 1 ? { transform: [dpr, 0, 0, dpr, 0, 0] } : {}) });
        await task.promise;
        if (!live) return;
        setScale(s);
        setSize({ w: Math.floor(vp.width), h: Math.floor(vp.height) });
        wrap.current?.setAttribute('data-rendered-page', String(n));
      } catch (e) {
        if ((e as Error).name !== 'RenderingCancelledException' && live) setError(`Page ${n} failed to render.`);
      }
    })();
    return () => {
      live = false;
      wrap.current?.removeAttribute('data-rendered-page');
      task?.cancel();
    };
  }, [pdf, page, width, zoom]);

  useEffect(() => {
    setGeometry(null);
    setGeometryNote(null);
    setQuote(null);
    if (!range) return;
    let live = true;
    // Without stored geometry (documents parsed before it existed), the cited text is quoted instead.
    const fallback = (note: string) => {
      setGeometryNote(note);
      api
        .page(documentId, page)
        .then((r) => {
          const p = r.pages[0];
          if (live && p?.text !== undefined) setQuote(splitAtRange(p.text, p.start, range.start, range.end)[1] || null);
        })
        .catch(() => undefined);
    };
    api
      .geometry(documentId, range.start, range.end)
      .then((g) => {
        if (!live) return;
        setGeometry(g);
        if (g.geometry === false) fallback('This document has no stored page geometry; the cited text:');
      })
      .catch(() => live && fallback('The highlight is not available for this document; the cited text:'));
    return () => void (live = false);
  }, [documentId, page, range?.start, range?.end]);

  const boxes: Box[] = scale > 0 ? scaleBoxes(boxesOnPage(geometry, page), scale) : [];
  const first = useRef<HTMLDivElement>(null);
  useEffect(() => {
    first.current?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }, [boxes.length > 0 ? `${boxes[0]!.x}:${boxes[0]!.y}` : '']);

  return (
    <div class="viewer" onKeyDown={(e) => onZoomKey(e, zoom, setZoom)}>
      {pdf && (
        <div class="viewer-bar">
          <PageNav page={page} pages={pdf.numPages} onPage={onPage} />
          <ZoomControls
            zoom={zoom}
            onZoom={setZoom}
            label={zoom === FIT ? 'Fit width' : `${Math.round(zoom * 100)}%`}
          />
        </div>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {geometryNote && range && (
        <div class="note">
          {geometryNote}
          {quote && <blockquote data-testid="cited-text">{quote}</blockquote>}
        </div>
      )}
      <div
        class="page-wrap"
        ref={wrap}
        tabIndex={0}
        aria-label={`Page ${page}; + and - zoom, 0 fits the width`}
        data-zoom={zoom}
      >
        {!pdf && !error && <p class="muted">Loading the PDF…</p>}
        <div class="page" style={size ? { width: `${size.w}px`, height: `${size.h}px` } : undefined}>
          <canvas ref={canvas} aria-label={`Page ${page}`} role="img" />
          {boxes.map((b, i) => (
            <div
              key={i}
              ref={i === 0 ? first : undefined}
              class="hl"
              data-testid="highlight"
              style={{ left: `${b.x}px`, top: `${b.y}px`, width: `${b.width}px`, height: `${b.height}px` }}
            />
          ))}
        </div>
      </div>
    </div>
  );
}
