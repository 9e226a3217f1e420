import { describe, expect, it } from 'vitest';
import { isWholeDocumentQuestion } from './scope';

describe('whole-document questions', () => {
  it('recognises questions about the document as a whole', () => {
    for (const q of [
      'What is the main argument of the book?',
      'Summarize this report.',
      'Give me a short summary',
      'What is this about?',
      'What is this paper about?',
      'What does the contract say?',
      'What are the key findings?',
      'tl;dr of this document',
    ])
      expect(isWholeDocumentQuestion(q), q).toBe(true);
  });

  it('leaves particular questions to sentence answers', () => {
    for (const q of [
      'Who is Jack Valenti?',
      'What is the capital of France?',
      'When was the agreement signed?',
      'What does the term "Affiliate" mean in the contract?',
      'What is the main argument of the third chapter about tariffs on imported steel from the European Union and Canada?',
    ])
      expect(isWholeDocumentQuestion(q), q).toBe(false);
  });
});
