import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultModelDir, loadManifest } from './manifest';
import { LiquidTokenizer } from './tokenizer';

let tok: LiquidTokenizer;
const dir = defaultModelDir();
const manifest = loadManifest(dir);
beforeAll(async () => {
  tok = await LiquidTokenizer.load(join(dir, manifest.files.tokenizer ?? 'tokenizer.json'));
});

describe('LiquidTokenizer (models/liquid/tokenizer.json via @huggingface/tokenizers)', () => {
  it('encodes without special tokens, ids inside the vocabulary', () => {
    const ids = tok.encode('Liquid networks stream documents with a constant memory.');
    expect(ids.length).toBeGreaterThan(5);
    for (const id of ids) {
      expect(Number.isInteger(id)).toBe(true);
      expect(id).toBeGreaterThanOrEqual(0);
      expect(id).toBeLessThan(manifest.vocabSize);
    }
    const pad = (manifest.specialTokens as { pad?: number } | undefined)?.pad ?? 0;
    expect(ids).not.toContain(pad);
  });

  it('is deterministic and sentence encodings concatenate into contiguous ranges', () => {
    const a = tok.encode('The first sentence.');
    const b = tok.encode('The second one!');
    expect(tok.encode('The first sentence.')).toEqual(a);
    const joined = tok.decode([...a, ...b]);
    expect(joined.toLowerCase()).toContain('first');
    expect(joined.toLowerCase()).toContain('second');
    expect(tok.encode('')).toEqual([]);
  });
});
