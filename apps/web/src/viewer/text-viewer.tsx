import { useEffect, useRef, useState } from 'preact/hooks';
import { api, describeError } from '../api';
import type { PageText } from '../types';
import { splitAtRange } from './highlight';
import { PageNav } from './page-nav';
import { FIT, onZoomKey } from './zoom';
import { ZoomControls } from './zoom-controls';

interface Props {
  documentId: string;
  page: number;
  pages: number;
  range: { start: number; end: number } | null;
  onPage(page: number): void;
}

/** Formats without a page layout (DOCX, HTML, Markdown, text): the page's text, the cited range marked. */
export function TextViewer({ documentId, page, pages, range, onPage }: Props) {
  const [data, setData] = useState<PageText['pages'][number] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mark = useRef<HTMLElement>(null);
  const [zoom, setZoom] = useState(FIT);

  useEffect(() => {
    let live = true;
    setError(null);
    api
      .page(documentId, page)
      .then((r) => live && setData(r.pages[0] ?? null))
      .catch((e: unknown) => live && setError(describeError(e)));
    return () => void (live = false);
  }, [documentId, page]);

  const [before, hit, after] =
    data?.text !== undefined && range
      ? splitAtRange(data.text, data.start, range.start, range.end)
      : [data?.text ?? '', '', ''];

  useEffect(() => mark.current?.scrollIntoView({ block: 'center' }), [data, range?.start]);

  return (
    <div class="viewer" onKeyDown={(e) => onZoomKey(e, zoom, setZoom)}>
      <div class="viewer-bar">
        <PageNav page={page} pages={Math.max(pages, 1)} onPage={onPage} />
        <ZoomControls
          zoom={zoom}
          onZoom={setZoom}
          label={zoom === FIT ? 'Normal' : `${Math.round(zoom * 100)}%`}
          resetName="Normal size"
        />
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div
        class="text-page"
        tabIndex={0}
        aria-label={`Page ${page} text; + and - change the size`}
        data-zoom={zoom}
        style={zoom === FIT ? undefined : { fontSize: `${zoom}em` }}
      >
        {before}
        {hit && (
          <mark ref={mark} data-testid="text-highlight">
            {hit}
          </mark>
        )}
        {after}
      </div>
    </div>
  );
}
