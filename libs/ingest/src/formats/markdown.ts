import MarkdownIt from 'markdown-it';
import { TextBuilder } from '../builder';
import type { FormatResult } from './types';
import { parseHtml } from './html';

type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

/**
 * Markdown through markdown-it's token stream (no HTML rendering): headings become sections,
 * each paragraph, list item, code line and table row becomes a block, soft breaks become spaces,
 * links keep their text, images their alt text, raw HTML blocks their visible text.
 */
export async function parseMarkdown(source: string): Promise<FormatResult> {
  const md = new MarkdownIt({ html: true, linkify: false });
  const tokens = md.parse(source.replace(/\r\n?/g, '\n'), {});
  const b = new TextBuilder();
  b.beginPage();
  let heading = 0;
  let row: string[] | null = null;
  let title: string | null = null;
  for (const t of tokens) {
    switch (t.type) {
      case 'heading_open':
        heading = Number(t.tag.slice(1));
        break;
      case 'heading_close':
        heading = 0;
        break;
      case 'tr_open':
        row = [];
        break;
      case 'tr_close':
        if (row) b.addBlock(row.filter((c) => c).join(' | '));
        row = null;
        break;
      case 'inline': {
        const text = inlineText(t.children ?? []);
        if (row) row.push(text.trim());
        else if (heading) {
          if (title === null && heading === 1) title = text.trim();
          b.addHeading(text, heading);
        } else {
          for (const line of text.split('\n')) b.addBlock(line);
        }
        break;
      }
      case 'fence':
      case 'code_block':
        for (const line of t.content.split('\n')) b.addBlock(line);
        break;
      case 'html_block': {
        const inner = (await parseHtml(t.content)).text;
        for (const line of inner.split('\n')) b.addBlock(line);
        break;
      }
      default:
        break;
    }
  }
  const text = b.finish();
  return { text, pages: b.pages, headings: b.headings, softLineBreaks: false, title, flags: [] };
}

function inlineText(children: Token[]): string {
  let s = '';
  for (const c of children) {
    if (c.type === 'text' || c.type === 'code_inline') s += c.content;
    else if (c.type === 'softbreak') s += ' ';
    else if (c.type === 'hardbreak') s += '\n';
    else if (c.type === 'image') s += c.content || inlineText(c.children ?? []);
    else if (c.type === 'html_inline') s += '';
  }
  return s;
}
