interface Props {
  page: number;
  pages: number;
  onPage(page: number): void;
}

export function PageNav({ page, pages, onPage }: Props) {
  return (
    <nav class="page-nav" aria-label="Pages">
      <button type="button" onClick={() => onPage(page - 1)} disabled={page <= 1} aria-label="Previous page">
        ‹<span class="wide-only"> Prev</span>
      </button>
      <label>
        Page{' '}
        <input
          type="number"
          min={1}
          max={pages}
          value={page}
          aria-label="Page number"
          onChange={(e) => {
            const n = Number((e.target as HTMLInputElement).value);
            if (Number.isInteger(n) && n >= 1 && n <= pages) onPage(n);
          }}
        />{' '}
        of <span data-testid="page-count">{pages}</span>
      </label>
      <button type="button" onClick={() => onPage(page + 1)} disabled={page >= pages} aria-label="Next page">
        <span class="wide-only">Next </span>›
      </button>
    </nav>
  );
}
