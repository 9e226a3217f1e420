import { describe, expect, it } from 'vitest';
import { boxesOnPage, fitScale, scaleBoxes, splitAtRange } from './highlight';

describe('highlight geometry', () => {
  it('scales boxes from points to pixels', () => {
    expect(scaleBoxes([{ x: 72, y: 100, width: 200, height: 12 }], 1.5)).toEqual([
      { x: 108, y: 150, width: 300, height: 18 },
    ]);
  });

  it('picks the boxes of the shown page only', () => {
    const g = {
      documentId: 'd',
      start: 0,
      end: 10,
      geometry: true,
      pages: [
        { page: 2, width: 612, height: 792, boxes: [{ x: 1, y: 2, width: 3, height: 4 }] },
        { page: 3, width: 612, height: 792, boxes: [{ x: 5, y: 6, width: 7, height: 8 }] },
      ],
    };
    expect(boxesOnPage(g, 3)).toEqual([{ x: 5, y: 6, width: 7, height: 8 }]);
    expect(boxesOnPage(g, 1)).toEqual([]);
    expect(boxesOnPage(null, 1)).toEqual([]);
  });

  it('fits a page into the available width within bounds', () => {
    expect(fitScale(612, 918)).toBe(1.5);
    expect(fitScale(612, 10)).toBe(0.3);
    expect(fitScale(0, 500)).toBe(1);
  });

  it('cuts page text at a document range, clamped to the page', () => {
    const text = 'One. Two three. Four.';
    expect(splitAtRange(text, 100, 105, 115)).toEqual(['One. ', 'Two three.', ' Four.']);
    expect(splitAtRange(text, 100, 90, 104)).toEqual(['', 'One.', ' Two three. Four.']);
    expect(splitAtRange(text, 100, 200, 210)).toEqual([text, '', '']);
  });
});
