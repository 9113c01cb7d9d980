import type { SqlQueryable } from '../store/sql-client.ts';
import type { DeadLetterReason } from './dead-letter-reason.ts';

export type IngestTransport = 'mqtt' | 'http';

export interface DeadLetterInput {
  readonly receivedAtMs: number;
  readonly transport: IngestTransport;
  readonly topic: string | null;
  readonly deviceId: string | null;
  readonly reason: DeadLetterReason;
  readonly detail: string;
  readonly sampleIndex: number | null;
  readonly payload: string;
}

export interface DeadLetter extends DeadLetterInput {
  readonly id: number;
}

export interface DeadLetterQuery {
  readonly limit?: number;
  readonly reason?: DeadLetterReason;
  readonly deviceId?: string;
  /** Only letters with a smaller id (paging from newest to oldest). */
  readonly beforeId?: number;
}

/** PostgreSQL text cannot hold U+0000 (docs: "Character Types"); it is kept visible as the escape `\u0000`. */
export function storableText(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\\u0000') : text;
}

/** Dead letters: device messages and samples that were not stored, with why (see dead-letter-reason.ts). */
export class DeadLetterStore {
  constructor(private readonly db: SqlQueryable) {}

  /** Inserts letters with one statement, inside the caller's transaction (the batch that rejected them). */
  async insertIn(tx: SqlQueryable, letters: readonly DeadLetterInput[]): Promise<void> {
    if (letters.length === 0) return;
    const step = deadLetterInsertStep(letters);
    await tx.query(step.sql, step.params);
  }

  /** Newest first. */
  async list(query: DeadLetterQuery = {}): Promise<DeadLetter[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.reason !== undefined) {
      params.push(query.reason);
      where.push(`reason = $${params.length}`);
    }
    if (query.deviceId !== undefined) {
      params.push(query.deviceId);
      where.push(`device_id = $${params.length}`);
    }
    if (query.beforeId !== undefined) {
      params.push(query.beforeId);
      where.push(`id < $${params.length}`);
    }
    params.push(Math.max(1, Math.min(query.limit ?? 100, 1000)));
    const rows = await this.db.query<Row>(
      `SELECT id::text AS id, received_at, transport, topic, device_id, reason, detail, sample_index, payload FROM dead_letter
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY dead_letter.id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      receivedAtMs: new Date(r.received_at).getTime(),
      transport: r.transport,
      topic: r.topic,
      deviceId: r.device_id,
      reason: r.reason,
      detail: r.detail,
      sampleIndex: r.sample_index,
      payload: r.payload,
    }));
  }

  /** Stored letters per reason (all time). */
  async countByReason(): Promise<Partial<Record<DeadLetterReason, number>>> {
    const rows = await this.db.query<{ reason: DeadLetterReason; n: number }>(
      'SELECT reason, count(*)::int AS n FROM dead_letter GROUP BY reason',
    );
    return Object.fromEntries(rows.map((r) => [r.reason, r.n]));
  }
}

interface Row {
  id: string;
  received_at: Date | string;
  transport: IngestTransport;
  topic: string | null;
  device_id: string | null;
  reason: DeadLetterReason;
  detail: string;
  sample_index: number | null;
  payload: string;
}

/** The INSERT of dead letters, as a step of a caller's transaction script. */
export function deadLetterInsertStep(letters: readonly DeadLetterInput[]): { readonly sql: string; readonly params: unknown[] } {
  const cols: unknown[][] = [[], [], [], [], [], [], [], []];
  for (const l of letters) {
    cols[0]?.push(new Date(l.receivedAtMs).toISOString());
    cols[1]?.push(l.transport);
    cols[2]?.push(l.topic === null ? null : storableText(l.topic));
    cols[3]?.push(l.deviceId === null ? null : storableText(l.deviceId));
    cols[4]?.push(l.reason);
    cols[5]?.push(storableText(l.detail));
    cols[6]?.push(l.sampleIndex);
    cols[7]?.push(storableText(l.payload));
  }
  return {
    sql: `INSERT INTO dead_letter (received_at, transport, topic, device_id, reason, detail, sample_index, payload)
       SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[])`,
    params: cols,
  };
}
