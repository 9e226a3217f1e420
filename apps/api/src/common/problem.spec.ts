import { describe, expect, it } from 'vitest';
import { problem, withOpenAiError } from './problem';

describe('withOpenAiError', () => {
  const p = problem(400, 'input: too long', 'validation_failed');

  it('adds OpenAI’s error object on the OpenAI-compatible routes only', () => {
    for (const path of ['/v1/embeddings', '/v1/chat/completions', '/v1/models', '/v1/models/elegans:notes']) {
      expect(withOpenAiError(p, path), path).toEqual({
        ...p,
        error: { message: 'input: too long', type: 'validation_failed', param: null, code: 'validation_failed' },
      });
    }
    for (const path of ['/v1/documents', '/v1/search', '/v1/embeddingsx', '/v1/modelsfoo', '/admin/queues']) {
      expect(withOpenAiError(p, path), path).toEqual(p);
    }
  });
});
