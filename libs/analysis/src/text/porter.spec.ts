import { describe, expect, it } from 'vitest';
import { porterStem } from './porter';

// Pairs from Porter's 1980 paper (its worked examples for each step).
const PAIRS: [string, string][] = [
  ['caresses', 'caress'],
  ['ponies', 'poni'],
  ['cats', 'cat'],
  ['agreed', 'agre'],
  ['plastered', 'plaster'],
  ['motoring', 'motor'],
  ['conflated', 'conflat'],
  ['hopping', 'hop'],
  ['falling', 'fall'],
  ['filing', 'file'],
  ['happy', 'happi'],
  ['relational', 'relat'],
  ['conditional', 'condit'],
  ['digitizer', 'digit'],
  ['callousness', 'callous'],
  ['triplicate', 'triplic'],
  ['electrical', 'electr'],
  ['revival', 'reviv'],
  ['adjustable', 'adjust'],
  ['adoption', 'adopt'],
  ['controll', 'control'],
  ['generalizations', 'gener'],
];

describe('porterStem', () => {
  it.each(PAIRS)('%s → %s', (word, stem) => expect(porterStem(word)).toBe(stem));
  it('leaves short words alone', () => expect(porterStem('is')).toBe('is'));
  it('conflates inflections', () => expect(porterStem('connections')).toBe(porterStem('connected')));
});
