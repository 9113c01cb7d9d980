import { VitaltwinError } from '@vitaltwin/core';
import { parseDateRange } from './date-range.ts';
import { maxOffset } from './search-request.ts';

/**
 * The parameters of a history interaction (FHIR R4 http.html#history): `_count` (page size, at most
 * `maxCount`), `_offset` (this server's paging, as in search) and `_since` (an instant; a partial
 * date stands for its start). A malformed value is a 400 naming it, never a page of something else.
 */
export interface HistoryRequest {
  readonly count: number;
  readonly offset: number;
  readonly sinceMs?: number;
}

export const defaultHistoryCount = 50;
export const maxHistoryCount = 1000;

export function parseHistoryRequest(query: URLSearchParams): HistoryRequest {
  const whole = (name: string, fallback: number, max: number): number => {
    const text = query.get(name);
    if (text === null) return fallback;
    const n = Number(text);
    if (text.trim() === '' || !Number.isInteger(n) || n < 0 || n > max)
      throw new VitaltwinError('VT_ERR_INVALID_INPUT', `${name} must be a whole number from 0 to ${max}, not "${text}"`);
    return n;
  };
  const count = Math.min(whole('_count', defaultHistoryCount, Number.MAX_SAFE_INTEGER), maxHistoryCount);
  const offset = whole('_offset', 0, maxOffset);
  const since = query.get('_since');
  if (since === null) return { count, offset };
  const sinceMs = parseSince(since);
  if (sinceMs === undefined) throw new VitaltwinError('VT_ERR_INVALID_INPUT', sinceProblem(since));
  return { count, offset, sinceMs };
}

/** A `_since` value (an instant; a partial date stands for its start) in epoch ms, or undefined when malformed. */
export const parseSince = (text: string): number | undefined => parseDateRange(text)?.loMs;

export const sinceProblem = (text: string): string => `_since must be a FHIR instant, not "${text}"`;
