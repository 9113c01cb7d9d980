import { z } from 'zod';
import type { DeadLetteredSample, IngestPipeline, MessageResult } from './ingest-pipeline.ts';
import { schemaIssueDetail } from './schema-issue-detail.ts';

/**
 * `POST /ingest` items (docs/ingest.md): a compact payload with its device,
 * `{"deviceId":"d1","samples":[...]}`, or another format wrapped,
 * `{"deviceId":"d1","format":"omh"|"fhir","payload":{...}}`. The body is NDJSON (one item a line)
 * or a JSON array of items.
 */
const deviceId = z.string().min(1).max(200);
const compactItem = z.object({ deviceId, format: z.literal('compact').optional(), samples: z.unknown() });
const wrappedItem = z.object({ deviceId, format: z.enum(['compact', 'omh', 'fhir']), payload: z.unknown() });

export type HttpItemStatus = 'stored' | 'duplicate' | 'partial' | 'dead-lettered';

export interface HttpItemResult {
  /** Position of the item in the body (NDJSON: 0-based index among the non-blank lines). */
  readonly item: number;
  readonly deviceId: string | null;
  readonly status: HttpItemStatus;
  readonly stored: number;
  readonly duplicates: number;
  readonly deadLettered: readonly DeadLetteredSample[];
}

export interface HttpIngestResponse {
  readonly summary: { readonly items: number; readonly stored: number; readonly duplicates: number; readonly deadLettered: number };
  readonly results: readonly HttpItemResult[];
}

/** Splits an NDJSON body into its non-blank lines (LF or CRLF, per the NDJSON spec). */
export function ndjsonLines(body: string): string[] {
  return body.split(/\r?\n/).filter((line) => line.trim() !== '');
}

/**
 * Ingests every item and reports each one. All items go through the same micro-batches as MQTT
 * messages; the promise resolves once all of them are durable (stored, duplicate or dead-lettered)
 * and rejects only when the database is unavailable (the client should then retry the whole body;
 * what was already stored comes back as duplicates).
 */
export async function ingestHttpItems(
  pipeline: IngestPipeline,
  items: readonly (string | unknown)[],
  receivedAtMs: number,
): Promise<HttpIngestResponse> {
  const results = await Promise.all(items.map((raw, index) => ingestItem(pipeline, raw, index, receivedAtMs)));
  const summary = { items: results.length, stored: 0, duplicates: 0, deadLettered: 0 };
  for (const r of results) {
    summary.stored += r.stored;
    summary.duplicates += r.duplicates;
    summary.deadLettered += r.deadLettered.length;
  }
  return { summary, results };
}

/** `raw` is an NDJSON line (string) or an already parsed array element. */
async function ingestItem(pipeline: IngestPipeline, raw: unknown, index: number, receivedAtMs: number): Promise<HttpItemResult> {
  const origin = { transport: 'http' as const, topic: null, deviceId: null, receivedAtMs };
  let json: unknown = raw;
  let text: string;
  if (typeof raw === 'string') {
    text = raw;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      return report(index, null, await pipeline.rejectMessage(origin, raw, 'invalid-json', (error as Error).message.slice(0, 200)));
    }
  } else {
    text = JSON.stringify(raw) ?? 'null';
  }
  const wrapped = typeof json === 'object' && json !== null && 'payload' in json;
  const parsed = wrapped ? wrappedItem.safeParse(json) : compactItem.safeParse(json);
  if (!parsed.success) {
    const deviceId =
      typeof (json as { deviceId?: unknown } | null)?.deviceId === 'string'
        ? ((json as { deviceId: string }).deviceId.slice(0, 64) as string)
        : null;
    return report(
      index,
      deviceId,
      await pipeline.rejectMessage({ ...origin, deviceId }, text, 'schema', `item: ${schemaIssueDetail(parsed.error)}`),
    );
  }
  const value = parsed.data;
  const payload = 'payload' in value ? value.payload : { samples: value.samples };
  const format = value.format ?? 'compact';
  const result = await pipeline.ingest({
    transport: 'http',
    deviceId: value.deviceId,
    format,
    payload: JSON.stringify(payload) ?? 'null',
    json: payload,
    receivedAtMs,
  });
  return report(index, value.deviceId, result);
}

function report(index: number, deviceId: string | null, r: MessageResult): HttpItemResult {
  const status: HttpItemStatus =
    r.deadLettered.length === 0
      ? r.stored > 0 || r.duplicates === 0
        ? 'stored'
        : 'duplicate'
      : r.stored + r.duplicates > 0
        ? 'partial'
        : 'dead-lettered';
  return { item: index, deviceId, status, stored: r.stored, duplicates: r.duplicates, deadLettered: r.deadLettered };
}
