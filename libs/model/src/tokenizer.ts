import { readFile } from 'node:fs/promises';

interface HfTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): { ids: number[] };
  decode(ids: number[], options?: { skip_special_tokens?: boolean }): string;
}

/**
 * tokenizer.json (Hugging Face format) through @huggingface/tokenizers, the same pure-JS implementation
 * training/ tokenizes its corpus with, so serving and training see identical ids.
 */
export class LiquidTokenizer {
  private constructor(private readonly tok: HfTokenizer) {}

  static async load(path: string): Promise<LiquidTokenizer> {
    const json = JSON.parse(await readFile(path, 'utf8')) as object;
    // ESM-only package: a dynamic import survives tsc's CommonJS output under module node16.
    const { Tokenizer } = await import('@huggingface/tokenizers');
    return new LiquidTokenizer(new Tokenizer(json, {}) as unknown as HfTokenizer);
  }

  /** Token ids of `text`, without special tokens (spans are concatenations of per-sentence encodings). */
  encode(text: string): number[] {
    if (text.length === 0) return [];
    return this.tok.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: number[]): string {
    return this.tok.decode(ids, { skip_special_tokens: false });
  }
}
