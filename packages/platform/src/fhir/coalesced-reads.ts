import { binaryArray } from '../store/binary-array-param.ts';
import type { SqlQueryable } from '../store/sql-client.ts';
import { type CurrentJson, type CurrentJsonRow, currentJsonOf, readResourceJson } from './resource-reads.ts';

/**
 * Reads by id that arrive together share one statement. Each statement costs the server a socket
 * write and the database a round of parse, bind and execute whatever it returns; under load, with
 * many clients reading at once, those per-statement costs were most of a read's CPU (a profile of
 * 16 clients reading from PostgreSQL: a quarter of the server's main thread was the `writev` of
 * the queries). Reads asked for in one turn of the event loop are queued and sent as one lookup
 * of all their keys when the turn ends (setImmediate); a read that arrives alone is sent as the
 * ordinary single-row lookup, so an idle server answers as before.
 *
 * Each read still gets its own answer: the document, or its own 404 / 410; a failing statement
 * fails the reads it carried, and only those.
 */
interface Waiting {
  readonly type: string;
  readonly id: string;
  resolve(value: CurrentJson): void;
  reject(error: unknown): void;
}

/** Keys per statement (a longer queue is sent as several statements). */
const maxKeysPerStatement = 256;

const readManySql = `SELECT k.n, r.version_id, r.last_updated, r.deleted, r.content::text AS content
  FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(t, i, n)
  JOIN fhir_resource r ON r.resource_type = k.t AND r.id = k.i`;

export class CoalescedReads {
  private queue: Waiting[] = [];
  private scheduled = false;
  /** Statements sent and reads answered, for the figures (reads per statement). */
  readonly stats = { statements: 0, reads: 0 };

  constructor(private readonly db: SqlQueryable) {}

  /** As readResourceJson (device Observations included), sharing a statement with reads asked for meanwhile. */
  read(type: string, id: string): Promise<CurrentJson> {
    // Device Observations are read from the reading store, one by one.
    if (type === 'Observation' && id.startsWith('dr-')) return readResourceJson(this.db, type, id);
    return new Promise<CurrentJson>((resolve, reject) => {
      this.queue.push({ type, id, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.send());
    });
  }

  private send(): void {
    this.scheduled = false;
    const queued = this.queue;
    this.queue = [];
    for (let start = 0; start < queued.length; start += maxKeysPerStatement) {
      void this.lookup(queued.slice(start, start + maxKeysPerStatement));
    }
  }

  private async lookup(reads: readonly Waiting[]): Promise<void> {
    this.stats.statements++;
    this.stats.reads += reads.length;
    if (reads.length === 1) {
      const only = reads[0]!;
      readResourceJson(this.db, only.type, only.id).then(only.resolve, only.reject);
      return;
    }
    let rows: (CurrentJsonRow & { n: number | string })[];
    try {
      rows = await this.db.query<CurrentJsonRow & { n: number | string }>(
        readManySql,
        [
          binaryArray(
            'text',
            reads.map((r) => r.type),
          ),
          binaryArray(
            'text',
            reads.map((r) => r.id),
          ),
        ],
        { name: 'vt_fhir_read_json_many' },
      );
    } catch (error) {
      for (const r of reads) r.reject(error);
      return;
    }
    const byPosition: (CurrentJsonRow | undefined)[] = new Array(reads.length);
    for (const row of rows) byPosition[Number(row.n) - 1] = row;
    reads.forEach((r, i) => {
      try {
        r.resolve(currentJsonOf(r.type, r.id, byPosition[i]));
      } catch (error) {
        r.reject(error);
      }
    });
  }
}
