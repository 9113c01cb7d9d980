import { authorization } from './api-client.ts';
import { type SseMessage, SseParser } from './sse-parser.ts';

/**
 * A Server-Sent Events connection over fetch (the token goes in the Authorization header, which
 * EventSource cannot send). It reconnects after a drop with capped exponential back-off and sends
 * `Last-Event-ID`, so the server replays what was missed (event-routes.ts); the server's `retry`
 * field, when given, sets the first delay.
 */
export type StreamStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface EventStreamHandlers {
  readonly onMessage: (message: SseMessage) => void;
  readonly onStatus?: (status: StreamStatus) => void;
}

const maxDelayMs = 15_000;

/** Opens the stream; returns the function that closes it. */
export function openEventStream(path: string, handlers: EventStreamHandlers): () => void {
  const controller = new AbortController();
  let lastEventId = '';
  let delayMs = 1000;
  const status = (s: StreamStatus) => handlers.onStatus?.(s);

  const run = async () => {
    while (!controller.signal.aborted) {
      status(lastEventId === '' && delayMs === 1000 ? 'connecting' : 'reconnecting');
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream' };
        const auth = await authorization();
        if (auth) headers['authorization'] = auth;
        if (lastEventId !== '') headers['last-event-id'] = lastEventId;
        const res = await fetch(path, { headers, signal: controller.signal, cache: 'no-store' });
        if (res.status === 401 || res.status === 403) {
          status('closed');
          return;
        }
        if (!res.ok || res.body === null) throw new Error(`stream answered ${res.status}`);
        status('open');
        delayMs = 1000;
        const parser = new SseParser();
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const message of parser.feed(value)) {
            lastEventId = message.id;
            handlers.onMessage(message);
          }
        }
        if (parser.retryMs !== null) delayMs = parser.retryMs;
      } catch (error) {
        if (controller.signal.aborted) break;
        void error;
      }
      if (controller.signal.aborted) break;
      status('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      delayMs = Math.min(maxDelayMs, delayMs * 2);
    }
    status('closed');
  };
  run().catch(() => status('closed'));
  return () => controller.abort();
}
