/** One Server-Sent Events frame with an id, an event name and JSON data. */
export interface SseEvent {
  readonly id: string;
  readonly event: string;
  readonly data: Record<string, unknown>;
}

/**
 * Test helper: reads `text/event-stream` frames (WHATWG HTML §9.2, "Server-sent events": frames end
 * with a blank line, `field: value` lines, `:` comments ignored) from a fetch response body until
 * `until` accepts a frame or the stream ends, then cancels the body and returns every frame read.
 */
export async function readSseUntil(response: Response, until: (e: SseEvent) => boolean): Promise<SseEvent[]> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return events;
      buffer += decoder.decode(value, { stream: true });
      let split = buffer.indexOf('\n\n');
      while (split >= 0) {
        const block = buffer.slice(0, split);
        buffer = buffer.slice(split + 2);
        const fields = Object.fromEntries(
          block
            .split('\n')
            .filter((line) => !line.startsWith(':') && line.includes(': '))
            .map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]),
        );
        if (fields.event && fields.id && fields.data) {
          const event = { id: fields.id, event: fields.event, data: JSON.parse(fields.data) as Record<string, unknown> };
          events.push(event);
          if (until(event)) return events;
        }
        split = buffer.indexOf('\n\n');
      }
    }
  } finally {
    await reader.cancel();
  }
}

/** Reads frames until `count` have arrived (or the stream ends). */
export function readSseEvents(response: Response, count: number): Promise<SseEvent[]> {
  let seen = 0;
  return readSseUntil(response, () => ++seen >= count);
}
