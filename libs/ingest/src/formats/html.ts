import { TextBuilder } from '../builder';
import type { FormatResult } from './types';

const SKIP = new Set(['script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'object', 'canvas', 'title']);
const BLOCK = new Set([
  'p',
  'div',
  'section',
  'article',
  'main',
  'aside',
  'header',
  'footer',
  'nav',
  'blockquote',
  'pre',
  'address',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'caption',
  'figure',
  'figcaption',
  'hr',
  'br',
  'form',
  'fieldset',
  'legend',
  'details',
  'summary',
  'body',
  'html',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
]);
const CELL = new Set(['td', 'th']);

/**
 * HTML through htmlparser2 (a real, forgiving tokenizer): scripts, styles and other non-text
 * subtrees are dropped, block elements end a block, h1–h6 become sections, table cells of a row
 * are joined with " | ". `<title>` is kept as metadata, not as body text.
 */
type HtmlParser2 = typeof import('htmlparser2', { with: { 'resolution-mode': 'import' } });
let htmlparser2: Promise<HtmlParser2> | null = null;

export async function parseHtml(html: string): Promise<FormatResult> {
  // ESM-only package: loaded once with a dynamic import.
  htmlparser2 ??= import('htmlparser2');
  const { Parser } = await htmlparser2;
  const b = new TextBuilder();
  b.beginPage();
  let skipDepth = 0;
  let inTitle = false;
  let title = '';
  let heading = 0;
  let buf = '';
  let rowCells: string[] | null = null;

  const flush = (): void => {
    const t = buf.replace(/\s+/g, ' ').trim();
    buf = '';
    if (!t) return;
    if (heading) b.addHeading(t, heading);
    else b.addBlock(t);
  };

  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'title') inTitle = true;
        if (name === 'body') skipDepth = 0; // never let an unclosed skipped element hide the body
        if (skipDepth > 0 || SKIP.has(name)) {
          if (!VOID.has(name)) skipDepth++;
          return;
        }
        if (name === 'tr') {
          flush();
          rowCells = [];
        } else if (CELL.has(name)) {
          buf = '';
        } else if (BLOCK.has(name)) {
          flush();
          const h = /^h([1-6])$/.exec(name);
          if (h) heading = Number(h[1]);
        }
      },
      onattribute(name, value) {
        if (skipDepth === 0 && name === 'alt' && value.trim()) buf += ` ${value} `;
      },
      ontext(data) {
        if (inTitle) title += data;
        if (skipDepth === 0) buf += data;
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
        if (skipDepth > 0) {
          if (!VOID.has(name)) skipDepth--;
          return;
        }
        if (CELL.has(name)) {
          if (rowCells) rowCells.push(buf.replace(/\s+/g, ' ').trim());
          else flush();
          buf = '';
        } else if (name === 'tr') {
          if (rowCells) {
            const row = rowCells.filter((c) => c).join(' | ');
            rowCells = null;
            if (row) b.addBlock(row);
          }
          flush();
        } else if (BLOCK.has(name)) {
          flush();
          if (/^h[1-6]$/.test(name)) heading = 0;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  flush();
  const text = b.finish();
  return {
    text,
    pages: b.pages,
    headings: b.headings,
    softLineBreaks: false,
    title: title.replace(/\s+/g, ' ').trim() || null,
    flags: [],
  };
}

const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);
