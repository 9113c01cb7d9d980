/**
 * An incremental parser for the `text/event-stream` format (WHATWG HTML, "Server-sent events",
 * §9.2.6 "Interpreting an event stream"), for streams read with fetch: EventSource cannot send the
 * Authorization header a protected `/events` needs. Lines end in CRLF, LF or CR; `data` lines are
 * joined with LF; comment lines (`:`) are heartbeats; a blank line dispatches the event; an `id`
 * sets the last event id (kept across events, for `Last-Event-ID` on reconnect); `retry` sets the
 * reconnection delay. Chunks may split lines anywhere, including between CR and LF.
 */
export interface SseMessage {
  readonly event: string;
  readonly data: string;
  readonly id: string;
}

export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private pendingCr = false;
  lastEventId = '';
  retryMs: number | null = null;

  /** Feeds decoded text; returns the events it completed. */
  feed(chunk: string): SseMessage[] {
    const out: SseMessage[] = [];
    let text = chunk;
    // A CR that ended the previous chunk already ended its line; an LF right after it is the same break.
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(this.buffer.slice(start, i), out);
      if (c === 13) {
        if (i + 1 < this.buffer.length) {
          if (this.buffer.charCodeAt(i + 1) === 10) i++;
        } else this.pendingCr = true;
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  private line(line: string, out: SseMessage[]): void {
    if (line === '') {
      if (this.data.length > 0) out.push({ event: this.event || 'message', data: this.data.join('\n'), id: this.lastEventId });
      this.data = [];
      this.event = '';
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\u0000')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
        break;
    }
  }
}
