import { describe, expect, it } from 'vitest';
import { convexFusion, maxNormalize, minMaxNormalize, mmr, weightedRrf } from './fusion';
import { evaluateRuns, mrrAt, ndcgAt, recallAt } from './metrics';

describe('fusion', () => {
  it('normalises', () => {
    expect(maxNormalize([2, 1, 0])).toEqual([1, 0.5, 0]);
    expect(minMaxNormalize([3, 1, Number.NaN, 2])).toEqual([1, 0, 0, 0.5]);
  });

  it('convex fusion: weight 0 keeps BM25 order, weight 1 follows dense, in between blends', () => {
    const lex = [
      { id: 1, score: 10 },
      { id: 2, score: 9 },
      { id: 3, score: 1 },
    ];
    const dense = new Map([
      [1, 0.1],
      [2, 0.9],
      [3, 0.5],
    ]);
    const of = (ids: number[]) => ids.map((i) => dense.get(i)!);
    expect(convexFusion(lex, [], of, { denseWeight: 0 }).map((h) => h.id)).toEqual([1, 2, 3]);
    expect(convexFusion(lex, [], of, { denseWeight: 1 }).map((h) => h.id)).toEqual([2, 3, 1]);
    // 0.7·lex + 0.3·dense: id2 = 0.7·0.9 + 0.3·1 = 0.93 beats id1 = 0.7·1 + 0 = 0.7.
    const mid = convexFusion(lex, [], of, { denseWeight: 0.3 });
    expect(mid.map((h) => h.id)).toEqual([2, 1, 3]);
    expect(mid[0]!.score).toBeCloseTo(0.93, 6);
    expect(mid[0]).toMatchObject({ lexical: 9, dense: 0.9 });
  });

  it('weighted RRF sums w / (60 + rank)', () => {
    const out = weightedRrf(
      [
        [
          { id: 1, score: 0 },
          { id: 2, score: 0 },
        ],
        [{ id: 2, score: 0 }],
      ],
      [0.5, 1],
    );
    expect(out.map((h) => h.id)).toEqual([2, 1]);
    expect(out[0]!.score).toBeCloseTo(0.5 / 62 + 1 / 61, 10);
  });

  it('MMR skips a near-duplicate of an already picked hit', () => {
    const v = (x: number, y: number) => Float32Array.from([x, y]);
    const vecs = new Map([
      [1, v(1, 0)],
      [2, v(0.999, 0.045)],
      [3, v(0, 1)],
    ]);
    const ranked = [
      { id: 1, score: 1 },
      { id: 2, score: 0.95 },
      { id: 3, score: 0.7 },
    ];
    expect(mmr(ranked, (id) => vecs.get(id)!, 1, 3).map((h) => h.id)).toEqual([1, 2, 3]);
    expect(mmr(ranked, (id) => vecs.get(id)!, 0.5, 3).map((h) => h.id)).toEqual([1, 3, 2]);
  });
});

describe('metrics (linear-gain nDCG, as pytrec_eval)', () => {
  const rel = new Map([
    ['a', 2],
    ['b', 1],
    ['z', 0],
  ]);
  it('computes nDCG@k, recall and MRR by hand', () => {
    // ranking b, x, a: DCG = 1/log2(2) + 2/log2(4) = 2; IDCG = 2 + 1/log2(3).
    expect(ndcgAt(['b', 'x', 'a'], rel, 10)).toBeCloseTo(2 / (2 + 1 / Math.log2(3)), 10);
    expect(ndcgAt(['a', 'b'], rel, 10)).toBe(1);
    expect(recallAt(['x', 'a', 'z'], rel, 100)).toBe(0.5);
    expect(mrrAt(['x', 'z', 'b'], rel, 10)).toBeCloseTo(1 / 3, 10);
    expect(mrrAt(['x', 'z', 'b'], rel, 2)).toBe(0);
  });
  it('averages over queries with a judged-relevant document only', () => {
    const qrels = new Map([
      ['q1', rel],
      ['q2', new Map([['c', 0]])],
    ]);
    const m = evaluateRuns(new Map([['q1', ['a', 'b']]]), qrels);
    expect(m).toEqual({ ndcg10: 1, recall100: 1, mrr10: 1 });
  });
});
