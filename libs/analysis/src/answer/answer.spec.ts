import { describe, expect, it } from 'vitest';
import { answerQuestion, confidenceOf, highlightSpan, isHeadingLike } from './answer';
import { ANSWER_MODEL, ANSWER_MODEL_LEXICAL } from './weights';
import { answerType, questionTerms } from './features';

const PARA = [
  'Methods',
  'The survey of Lake Veronne began in 1987 under the regional water agency.',
  'Samples are taken at twelve fixed stations every second week between May and September.',
  'Phosphorus concentrations doubled between 1995 and 2015 near the northern inlet.',
];

function sentences() {
  let pos = 0;
  return PARA.map((text) => {
    const s = { text, start: pos, end: pos + text.length, page: 2, passage: 0 };
    pos += text.length + 1;
    return s;
  });
}

describe('answers', () => {
  it('weighs the liquid cosine only when there are vectors to compare', () => {
    const question = 'In what year did the survey of Lake Veronne begin?';
    const lexical = answerQuestion({ question, sentences: sentences() });
    expect(lexical.confidence).toBeCloseTo(confidenceOf(lexical.confidenceFeatures, ANSWER_MODEL_LEXICAL), 9);
    const v = [0.6, 0.8];
    const liquid = answerQuestion({
      question,
      queryVector: v,
      sentences: sentences().map((s, i) => ({ ...s, vector: i === 1 ? v : [0.8, -0.6] })),
    });
    expect(liquid.confidence).toBeCloseTo(confidenceOf(liquid.confidenceFeatures, ANSWER_MODEL), 9);
    expect(liquid.answer).toBe(PARA[1]);
    // the same lexical evidence plus a perfect cosine on the answer: more confident than without vectors
    expect(liquid.confidence).toBeGreaterThan(lexical.confidence);
  });

  it('types questions', () => {
    expect(answerType('How many stations are sampled?')).toBe('number');
    expect(answerType('In what year did it begin?')).toBe('date');
    expect(answerType('Who runs the survey?')).toBe('person');
    expect(answerType('Why is the lake green?')).toBeNull();
  });

  it('picks the sentence that answers and highlights the span', () => {
    const r = answerQuestion({
      question: 'In what year did the survey of Lake Veronne begin?',
      sentences: sentences(),
    });
    expect(r.answer).toBe(PARA[1]);
    expect(r.citations[0]).toMatchObject({ page: 2, start: sentences()[1]!.start });
    expect(r.highlight?.text).toBe('1987');
    const h = highlightSpan(questionTerms('How many stations are sampled?'), PARA[2]!);
    expect(h).toBeNull(); // "twelve" is a number word, not a digit span: nothing to highlight, not a wrong one
  });

  it('never answers with a heading', () => {
    expect(isHeadingLike('Methods')).toBe(true);
    expect(isHeadingLike(PARA[1]!)).toBe(false);
    const r = answerQuestion({ question: 'What methods were used?', sentences: sentences() });
    expect(r.best?.text).not.toBe('Methods');
  });

  it('abstains when the key name of the question appears nowhere', () => {
    const r = answerQuestion({ question: 'When did the survey of Lake Geneva begin?', sentences: sentences() });
    expect(r.answer).toBeNull();
    expect(r.reason).toMatch(/key name/);
    expect(r.citations).toEqual([]);
    expect(r.confidence).toBeLessThan(0.5);
  });

  it('abstains without candidates or content words', () => {
    expect(answerQuestion({ question: 'Why?', sentences: sentences() }).answer).toBeNull();
    expect(answerQuestion({ question: 'When did it begin?', sentences: [] }).reason).toMatch(/no candidate/);
  });
});
