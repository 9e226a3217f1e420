import { describe, expect, it } from 'vitest';
import {
  answerQuestion,
  confidenceOf,
  definesSubject,
  definitionSubject,
  highlightSpan,
  isHeadingLike,
  type AnswerSentence,
} from './answer';
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
    // A month and a year is a date, not a month and the year's first two digits as a day.
    const when = questionTerms('When did the hearing take place?');
    const said = 'The hearing took place in April 1982 in Washington.';
    const span = highlightSpan(when, said);
    expect(span && said.slice(span.start, span.end)).toBe('April 1982');
    const day = 'The hearing took place on 12 April 1982.';
    const d = highlightSpan(when, day);
    expect(d && day.slice(d.start, d.end)).toBe('12 April 1982');
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

  describe('long documents', () => {
    const BOOK: Omit<AnswerSentence, 'start' | 'end' | 'page'>[] = [
      { text: '21. Copyright Infringements hearing, 485 (testimony of Jack Valenti).', role: 'notes', passage: 9 },
      {
        text: 'In the debate over copying films, Jack Valenti spoke for the studios at every hearing.',
        passage: 1,
      },
      {
        text: 'Jack Valenti, the president of the Motion Picture Association of America, led its lobbying for decades.',
        passage: 2,
      },
      { text: 'Valenti, Jack, 48, 212, 485.', role: 'index', passage: 10 },
    ];
    const book = (rows = BOOK): AnswerSentence[] => {
      let pos = 0;
      return rows.map((r, i) => {
        const s = { ...r, start: pos, end: pos + r.text.length, page: i + 1 };
        pos += r.text.length + 1;
        return s;
      });
    };

    it('finds the subject of definition and identity questions only', () => {
      expect(definitionSubject('Who is Jack Valenti?')).toBe('Jack Valenti');
      expect(definitionSubject('What is a liquid network?')).toBe('liquid network');
      expect(definitionSubject('What is the capital of France?')).toBeNull();
      expect(definitionSubject('When did Valenti testify?')).toBeNull();
      expect(definesSubject(BOOK[2]!.text, 'Jack Valenti')).toBe(true);
      expect(definesSubject("Valenti, the studios' man in Washington, testified.", 'Jack Valenti')).toBe(true);
      expect(
        definesSubject('A liquid network is a recurrent model with varying time constants.', 'liquid network'),
      ).toBe(true);
      expect(definesSubject(BOOK[1]!.text, 'Jack Valenti')).toBe(false);
    });

    it('answers "Who is X?" with the body sentence that defines X, not a note or a mention', () => {
      const r = answerQuestion({ question: 'Who is Jack Valenti?', sentences: book() });
      expect(r.best?.text).toBe(BOOK[2]!.text);
      expect(r.best?.page).toBe(3);
    });

    it('lets a note answer only when no body sentence does', () => {
      const question = 'On what page is the testimony of Jack Valenti in the Copyright Infringements hearing?';
      // Without roles the endnote ranks first (it repeats the question's words) and answers.
      const plain = answerQuestion({ question, sentences: book(BOOK.map((r) => ({ ...r, role: undefined }))) });
      expect(plain.answer).toBe(BOOK[0]!.text);
      // With roles, the note still answers while the body covers less of the question…
      expect(answerQuestion({ question, sentences: book() }).answer).toBe(BOOK[0]!.text);
      // …and a body sentence that answers as well wins over it.
      const full = 'The testimony of Jack Valenti in the Copyright Infringements hearing is on page 485 of its record.';
      const roled = answerQuestion({ question, sentences: book([...BOOK, { text: full, passage: 3 }]) });
      expect(roled.answer).toBe(full);
      expect(roled.citations[0]?.page).toBe(5);
    });
  });
});
