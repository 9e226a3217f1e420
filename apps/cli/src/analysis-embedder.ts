import type { Embedder } from '@elegans/analysis';

/** Adapts libs/model's LiquidModel to analysis's Embedder (filled in once libs/model lands). */
export async function createEmbedder(_dir?: string): Promise<Embedder | null> {
  return null;
}
