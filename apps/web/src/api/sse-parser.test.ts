import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser.ts';

describe('SseParser (WHATWG event-stream interpretation)', () => {
  it('parses the frames /events writes, with id and event type', () => {
    const p = new SseParser();
    const events = p.feed(': connected\n\nid: 7\nevent: alert\ndata: {"type":"alert"}\n\n');
    expect(events).toEqual([{ event: 'alert', data: '{"type":"alert"}', id: '7' }]);
    expect(p.lastEventId).toBe('7');
  });

  it('joins multi-line data with LF and defaults the type to message', () => {
    expect(new SseParser().feed('data: a\ndata: b\n\n')).toEqual([{ event: 'message', data: 'a\nb', id: '' }]);
  });

  it('handles chunks split inside a line and CRLF split between chunks', () => {
    const p = new SseParser();
    expect(p.feed('id: 1\r')).toEqual([]);
    expect(p.feed('\nevent: sc')).toEqual([]);
    expect(p.feed('ore\r\ndata: {"x":1}\r\n')).toEqual([]);
    // The LF after a chunk-final CR is not a second (blank) line.
    expect(p.feed('\r')).toEqual([{ event: 'score', data: '{"x":1}', id: '1' }]);
    expect(p.feed('\ndata: y\n\n')).toEqual([{ event: 'message', data: 'y', id: '1' }]);
  });

  it('ignores comments and events without data, keeps the last id across events, reads retry', () => {
    const p = new SseParser();
    expect(p.feed(': heartbeat\n\nid: 3\n\nretry: 2500\ndata: z\n\n')).toEqual([{ event: 'message', data: 'z', id: '3' }]);
    expect(p.retryMs).toBe(2500);
  });

  it('keeps a space-less value and a value with a colon intact', () => {
    expect(new SseParser().feed('data:{"t":"12:00"}\n\n')[0]?.data).toBe('{"t":"12:00"}');
  });
});
