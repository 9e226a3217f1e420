import { describe, expect, it } from 'vitest';
import { leadK, textRank } from './baselines';
import { DEFAULT_SUMMARY_WEIGHTS, summarize, summarizeSections } from './summarize';

const S = (texts: string[], section = -1) => {
  let pos = 0;
  return texts.map((text) => {
    const s = { text, start: pos, end: pos + text.length, page: 1, section };
    pos += text.length + 1;
    return s;
  });
};

describe('summarize', () => {
  it('does not pick a near-duplicate of a chosen sentence (MMR)', () => {
    const sentences = S([
      'The river flooded the old town after three days of heavy rain.',
      'After three days of heavy rain the river flooded the old town.',
      'Emergency crews moved two hundred residents to the school gym overnight.',
      'The mayor said repairs to the bridge would take at least a month.',
      'Insurance claims are expected to exceed ten million euros this year.',
    ]);
    const picked = summarize({ sentences }, { sentences: 3 }).map((s) => s.index);
    expect(picked).toContain(0);
    expect(picked).not.toContain(1);
    expect(picked).toHaveLength(3);
  });

  it('skips fragments in favour of real sentences', () => {
    const sentences = S([
      'By staff.',
      'The central bank raised its main interest rate by half a point on Thursday.',
      'Economists had expected a smaller move after inflation eased in the spring.',
      'Markets fell sharply in the hour after the announcement was made public.',
    ]);
    expect(summarize({ sentences }, { sentences: 2 }).map((s) => s.index)).not.toContain(0);
  });

  it('uses liquid vectors when given: the sentence nearest the document vector gains', () => {
    const texts = [
      'Alpha one two three four five six seven.',
      'Beta one two three four five six seven.',
      'Gamma one two three four five six seven.',
      'Delta one two three four five six seven.',
    ];
    const vectors = [
      [1, 0],
      [0, 1],
      [0, 1],
      [1, 0.05],
    ];
    const doc = [1, 0.02];
    const a = summarize(
      { sentences: S(texts), vectors, documentVector: doc },
      { sentences: 1 },
      { position: 0, length: 0, content: 1, head: [0, 0, 0, 0, 1, 0], lambda: 1 },
    );
    expect([0, 3]).toContain(a[0]!.index);
  });

  it('a lead sentence yields to later content evidence only when it is strong (the position margin)', () => {
    const texts = [
      'The harbour authority approved the new container terminal on Monday evening.',
      'Construction crews will begin dredging the northern channel early next spring.',
      'Local fishermen worried that noise would drive the herring shoals further offshore.',
      'Officials estimate that the project doubles cargo capacity within five years.',
      'A public consultation drew several hundred written comments from nearby residents.',
      'The regional council must still sign the final environmental permit this summer.',
    ];
    // Liquid centrality: sentence 3 lies on the document vector, the rest are spread around it.
    const vectors = [
      [0.3, 1],
      [0.2, 1],
      [0.1, 1],
      [1, 0],
      [0, 1],
      [-0.1, 1],
    ];
    const input = { sentences: S(texts), vectors, documentVector: [1, 0] };
    // One unit of head = one within-document standard deviation of liquid centrality; sentence 3 stands
    // 2.5 deviations above sentence 2.
    const pick = (unit: number, position = DEFAULT_SUMMARY_WEIGHTS.position) =>
      summarize(input, { sentences: 3 }, { ...DEFAULT_SUMMARY_WEIGHTS, position, head: [0, 0, 0, 0, unit, 0] }).map(
        (s) => s.index,
      );
    // At the shipped scale (a deviation weighs 0.25 × 0.5) 2.5 deviations do not clear the three-deviation
    // margin; they clear the old two-deviation one (position 3), and ten deviations (unit 1) clear the shipped one.
    expect(pick(0.25)).toEqual([0, 1, 2]);
    expect(pick(0.25, 3)).toEqual([0, 1, 3]);
    expect(pick(1)).toEqual([0, 1, 3]);
  });

  it('summarises each long enough section', () => {
    const a = S(
      ['Intro one is here now.', 'Intro two is here now.', 'Intro three is here now.', 'Intro four is here now.'],
      0,
    );
    const b = S(
      ['Body one is here now.', 'Body two is here now.', 'Body three is here now.', 'Body four is here now.'],
      1,
    ).map((s) => ({ ...s, start: s.start + 200, end: s.end + 200, page: 2 }));
    const secs = summarizeSections(
      {
        sentences: [...a, ...b],
        sections: [
          { title: 'Intro', start: 0, end: 150, page: 1 },
          { title: 'Body', start: 200, end: 400, page: 2 },
        ],
      },
      { sentences: 2 },
    );
    expect(secs.map((s) => s.title)).toEqual(['Intro', 'Body']);
    expect(secs[1]!.sentences.every((s) => s.index >= 4 && s.page === 2)).toBe(true);
  });
});

describe('baselines', () => {
  it('lead-k takes the first k', () => expect(leadK(10, 3)).toEqual([0, 1, 2]));
  it('textrank prefers the sentences that share words with the rest', () => {
    const picked = textRank(
      [
        'Solar panels convert sunlight into electricity for homes.',
        'My neighbour owns a red bicycle.',
        'Home solar panels cut electricity bills.',
        'Electricity from solar panels powers many homes today.',
      ],
      2,
    );
    expect(picked).not.toContain(1);
  });
});
