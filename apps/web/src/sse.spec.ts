import { describe, expect, it } from 'vitest';
import { SseParser } from './sse';

describe('SseParser', () => {
  it('parses named events split across chunks at any byte', () => {
    const text = 'event: progress\ndata: {"a":1}\n\n: keep-alive\n\nevent: done\ndata: {"b":2}\n\n';
    for (let cut = 1; cut < text.length; cut++) {
      const p = new SseParser();
      const got = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut))];
      expect(got, `cut at ${cut}`).toEqual([
        { event: 'progress', data: '{"a":1}' },
        { event: 'done', data: '{"b":2}' },
      ]);
    }
  });

  it('joins multi-line data, defaults the event name, accepts CRLF', () => {
    const p = new SseParser();
    expect(p.push('data: one\r\ndata: two\r\n\r\ndata: [DONE]\n\n')).toEqual([
      { event: 'message', data: 'one\ntwo' },
      { event: 'message', data: '[DONE]' },
    ]);
  });

  it('keeps a CR at a chunk end until it knows whether LF follows', () => {
    const p = new SseParser();
    expect(p.push('data: x\r')).toEqual([]);
    expect(p.push('\n\r\n')).toEqual([{ event: 'message', data: 'x' }]);
  });
});
