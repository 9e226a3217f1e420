import { useEffect, useRef, useState } from 'preact/hooks';
import { api, describeError } from '../api';
import type { PageText } from '../types';
import { splitAtRange } from './highlight';
import { PageNav } from './page-nav';

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
    <div class="viewer">
      <PageNav page={page} pages={Math.max(pages, 1)} onPage={onPage} />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="text-page" tabIndex={0} aria-label={`Page ${page} text`}>
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
