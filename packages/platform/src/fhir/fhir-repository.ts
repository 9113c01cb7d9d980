import { randomUUID } from 'node:crypto';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { isFhirId, VitaltwinError } from '@vitaltwin/core';
import type { SqlClient } from '../store/sql-client.ts';
import { type BundleOptions, processBundle } from './bundle-processor.ts';
import { CoalescedReads } from './coalesced-reads.ts';
import { loadFhirDefinitions } from './fhir-definitions.ts';
import type { FhirStoreContext } from './fhir-store-context.ts';
import { indexTables } from './index-insert.ts';
import { type UpdateOp, writeUnderLock, writeUpdatesPlanned } from './planned-write.ts';
import {
  type CurrentJson,
  type HistoryEntry,
  type HistoryQuery,
  readHistory,
  readResource,
  readVersion,
  streamCurrent,
  tryRead,
} from './resource-reads.ts';
import { type BatchValidator, inlineValidator, precheckFhirResource, validationError } from './resource-validation.ts';
import { type WriteOp, type WriteResult, writeBatch } from './resource-writer.ts';
import {
  conditionalDelete,
  conditionalUpdate,
  createResource,
  deleteResource,
  patchResource,
  updateResource,
  type WriteContext,
  type WriteOutcome,
} from './resource-writes.ts';
import { executeSearch, type SearchResult } from './search-executor.ts';
import { SearchIndexKeys } from './search-index-keys.ts';
import { searchModel } from './search-parameter-registry.ts';
import { parseSearchRequest } from './search-request.ts';
import { type MatchingSet, matchingSet } from './search-set.ts';
import { guarded } from './storage-errors.ts';
import { defaultPoolSize, ValidationPool } from './validation-pool.ts';

/**
 * The FHIR R4 resource repository on Vitaltwin's own storage (PGlite or PostgreSQL through
 * SqlClient): reads, versioned writes with history, search over the index tables, batch and
 * transaction Bundles, a batch-write path for importers and a streaming read for exporters.
 * Every write is validated against the R4 StructureDefinitions first; nothing invalid is stored.
 */
export interface FhirRepositoryOptions {
  /** Clock in epoch milliseconds (default Date.now). */
  readonly now?: () => number;
  /** Server-assigned ids (default random UUIDs). */
  readonly newId?: () => string;
  /** Validator worker threads (default one per spare core, at most 2; 0 validates on the calling thread). */
  readonly validationWorkers?: number;
}

export interface SearchCallOptions {
  readonly baseUrl?: string;
  readonly strict?: boolean;
  /** false: answer from the single-parameter index rows only (series-index.ts; for comparison). */
  readonly seriesIndex?: boolean;
}

export interface ImportOptions {
  /** Resources per database transaction (default 500). */
  readonly batchSize?: number;
  /** `fail` (default): the first invalid resource stops the import; `skip`: it is reported and left out. */
  readonly onInvalid?: 'fail' | 'skip';
}

export interface ImportReport {
  readonly written: number;
  readonly byType: Readonly<Record<string, number>>;
  readonly rejected: readonly { readonly index: number; readonly error: VitaltwinError }[];
}

// Re-analyse the index tables after this many new index rows, or a tenth of the rows they hold if
// that is more (as autovacuum's default analyze scale factor does): PGlite has no autovacuum, and
// the planner needs current statistics to pick the selective condition first.
const analyzeEveryRows = 50_000;
const analyzeScaleFactor = 0.1;

/** Batches smaller than this validate on the calling thread. */
const minPooledBatch = 64;

/** Tables whose planner statistics the repository keeps current. */
const statisticsTables = ['fhir_resource', ...indexTables];

export class FhirRepository {
  readonly context: FhirStoreContext;
  /** Reads by id asked for together share a statement (coalesced-reads.ts). */
  private readonly reads: CoalescedReads;
  private rowsSinceAnalyze = 0;
  private analyzeAfterRows = analyzeEveryRows;
  private analyzing = false;

  private pool: ValidationPool | undefined;

  private constructor(context: Omit<FhirStoreContext, 'validate'>, workers: number) {
    // Small batches validate inline (a worker round trip costs more than it saves); large ones go to
    // the pool, started on first use so servers and tools that never bulk-write spawn no threads.
    const validate: BatchValidator = (resources) => {
      if (workers === 0 || resources.length < minPooledBatch) return inlineValidator(resources);
      this.pool ??= new ValidationPool(workers);
      return this.pool.validate(resources);
    };
    this.context = { ...context, validate };
    this.reads = new CoalescedReads(context.db);
  }

  /** Loads the R4 definitions (once per process) and the index keys of this database. */
  static async open(db: SqlClient, options: FhirRepositoryOptions = {}): Promise<FhirRepository> {
    loadFhirDefinitions();
    const keys = await guarded(() => SearchIndexKeys.load(db));
    const workers = options.validationWorkers ?? defaultPoolSize();
    return new FhirRepository({ db, keys, now: options.now ?? Date.now, newId: options.newId ?? (() => randomUUID()) }, workers);
  }

  /** Ends the validator worker threads, if started (the database stays open: it belongs to the caller). */
  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = undefined;
  }

  private get db(): SqlClient {
    return this.context.db;
  }

  /** The live resource; 404 when unknown, 410 when deleted. */
  read(type: string, id: string): Promise<Resource> {
    this.requireType(type);
    this.requireId(type, id);
    return guarded(() => readResource(this.db, type, id));
  }

  /** As read, as the stored JSON text (stored-json.ts): what the REST read sends unparsed. */
  readJson(type: string, id: string): Promise<CurrentJson> {
    this.requireType(type);
    this.requireId(type, id);
    return guarded(() => this.reads.read(type, id));
  }

  /** The live resource or undefined: one indexed lookup, for hot paths (device binding). */
  tryRead(type: string, id: string): Promise<Resource | undefined> {
    if (!isFhirId(id)) return Promise.resolve(undefined);
    return guarded(() => tryRead(this.db, type, id));
  }

  /** The live version of type/id; undefined when there is none (never written, or deleted). */
  async currentVersion(type: string, id: string): Promise<number | undefined> {
    const resource = await this.tryRead(type, id);
    return resource?.meta?.versionId === undefined ? undefined : Number(resource.meta.versionId);
  }

  vread(type: string, id: string, versionId: string): Promise<Resource> {
    this.requireType(type);
    this.requireId(type, id);
    return guarded(() => readVersion(this.db, type, id, versionId));
  }

  history(query: HistoryQuery): Promise<{ total: number; entries: HistoryEntry[] }> {
    if (query.type !== undefined) this.requireType(query.type);
    if (query.id !== undefined) this.requireId(query.type ?? 'Resource', query.id);
    return guarded(() => readHistory(this.db, query));
  }

  create(type: string, body: unknown, ifNoneExist?: string): Promise<WriteOutcome> {
    this.requireType(type);
    return this.write((ctx) => createResource(ctx, type, body, ifNoneExist));
  }

  update(type: string, id: string, body: unknown, ifMatch?: number): Promise<WriteOutcome> {
    this.requireType(type);
    return this.write((ctx) => updateResource(ctx, type, id, body, ifMatch));
  }

  conditionalUpdate(type: string, criteria: string, body: unknown): Promise<WriteOutcome> {
    this.requireType(type);
    return this.write((ctx) => conditionalUpdate(ctx, type, criteria, body));
  }

  delete(type: string, id: string, ifMatch?: number): Promise<WriteResult> {
    this.requireType(type);
    return this.write((ctx) => deleteResource(ctx, type, id, ifMatch));
  }

  conditionalDelete(type: string, criteria: string): Promise<WriteResult | undefined> {
    this.requireType(type);
    return this.write((ctx) => conditionalDelete(ctx, type, criteria));
  }

  patch(type: string, id: string, patch: unknown, ifMatch?: number): Promise<WriteOutcome> {
    this.requireType(type);
    return this.write((ctx) => patchResource(ctx, type, id, patch, ifMatch));
  }

  /** The stored resources of a type matching any of these searches, as SQL (search-set.ts; Bulk Data `_typeFilter`). */
  matchingSet(type: string, queries: readonly URLSearchParams[], options: { readonly strict: boolean }): MatchingSet {
    const model = this.requireType(type);
    return matchingSet(model, queries, { keys: this.context.keys, nowMs: this.context.now(), strict: options.strict });
  }

  search(type: string, query: URLSearchParams, options: SearchCallOptions = {}): Promise<SearchResult> {
    const model = this.requireType(type);
    const request = parseSearchRequest(type, query);
    return guarded(() =>
      executeSearch(this.db, model, request, {
        keys: this.context.keys,
        nowMs: this.context.now(),
        ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
        ...(options.strict ? { strict: true } : {}),
        ...(options.seriesIndex === false ? { seriesIndex: false } : {}),
      }),
    );
  }

  /** A batch or transaction Bundle (POST [base]). */
  async processBundle(bundle: unknown, options: BundleOptions): Promise<Bundle> {
    const result = await processBundle(this.context, bundle, options);
    await this.maybeAnalyze((bundle as { entry?: unknown[] }).entry?.length ?? 0);
    return result;
  }

  /**
   * Batch write API: validates every resource, then writes all operations in one database
   * transaction with a handful of statements (see resource-writer.ts). All or nothing.
   */
  async writeTransaction(ops: readonly WriteOp[]): Promise<WriteResult[]> {
    if (ops.length === 0) return [];
    const writes = ops.filter((op) => op.kind !== 'delete');
    const verdicts = await this.context.validate(writes.map((op) => precheckFhirResource(op.resource)));
    verdicts.forEach((problems, i) => {
      if (problems.length > 0) throw validationError(writes[i]!.resource.resourceType, problems);
    });
    const nowIso = new Date(this.context.now()).toISOString();
    // Plain create-or-update writes (score Observations, Subscription status) are planned outside
    // the transaction, so the database is held for one request only (planned-write.ts).
    const plain = ops.every((op): op is UpdateOp => op.kind === 'update' && op.ifMatch === undefined);
    // Otherwise one statement for the whole batch, under lock.
    const { results, indexRows } = await guarded(() =>
      plain
        ? writeUpdatesPlanned(this.db, this.context.keys, ops, nowIso)
        : writeUnderLock(this.db, this.context.keys, ops, nowIso, ops.length),
    );
    await this.maybeAnalyze(indexRows);
    return results;
  }

  /**
   * Bulk import: resources keep their ids (create-or-update; a resource without id gets a new
   * one), written `batchSize` per transaction. References are stored as given, so callers resolve
   * bundle-local references (urn:uuid) first.
   */
  async importResources(resources: readonly unknown[], options: ImportOptions = {}): Promise<ImportReport> {
    const batchSize = options.batchSize ?? 500;
    const byType: Record<string, number> = {};
    const rejected: { index: number; error: VitaltwinError }[] = [];
    let written = 0;
    // Validate batch k+1 (in worker threads) while batch k is written.
    const check = async (start: number): Promise<WriteOp[]> => {
      const candidates: { index: number; resource: Resource & { id: string } }[] = [];
      resources.slice(start, start + batchSize).forEach((raw, i) => {
        try {
          const resource = precheckFhirResource(raw);
          candidates.push({ index: start + i, resource: { ...resource, id: resource.id ?? this.context.newId() } });
        } catch (error) {
          this.reject(error, start + i, options, rejected);
        }
      });
      const verdicts = await this.context.validate(candidates.map((c) => c.resource));
      const ops: WriteOp[] = [];
      verdicts.forEach((problems, i) => {
        const c = candidates[i]!;
        if (problems.length === 0) ops.push({ kind: 'update', resource: c.resource });
        else this.reject(validationError(c.resource.resourceType, problems), c.index, options, rejected);
      });
      return ops;
    };
    let next: Promise<WriteOp[]> | undefined = resources.length > 0 ? check(0) : undefined;
    for (let start = 0; next; start += batchSize) {
      const ops = await next;
      next = start + batchSize < resources.length ? check(start + batchSize) : undefined;
      // A failed look-ahead must not go unhandled while this batch is written.
      next?.catch(() => undefined);
      const nowIso = new Date(this.context.now()).toISOString();
      const { results, stats } = await guarded(() => this.db.transaction((tx) => writeBatch(tx, this.context.keys, ops, nowIso)));
      for (const r of results) byType[r.resourceType] = (byType[r.resourceType] ?? 0) + 1;
      written += results.length;
      await this.maybeAnalyze(stats.indexRows);
    }
    return { written, byType, rejected };
  }

  private reject(error: unknown, index: number, options: ImportOptions, rejected: { index: number; error: VitaltwinError }[]): void {
    if (!(error instanceof VitaltwinError) || options.onInvalid !== 'skip') throw error;
    rejected.push({ index, error });
  }

  /** Current resources of a type changed since `sinceMs`, oldest first, streamed in pages (for bulk export). */
  streamResources(type: string, sinceMs?: number): AsyncGenerator<Resource> {
    this.requireType(type);
    return streamCurrent(this.db, type, sinceMs);
  }

  /** Refreshes planner statistics of the FHIR tables (run after large imports). */
  async analyze(): Promise<void> {
    const analyzeTable = (table: string) => guarded(() => this.db.exec(`ANALYZE ${table}`));
    // PostgreSQL analyses the tables on two connections side by side (an import waits for this:
    // 90 ms one table after the other after the 16 Synthea files; a connection per table started
    // nine backends for it). On PGlite's single connection one table at a time, so the queries of
    // monitoring and of HTTP clients run between them instead of waiting for all (100–200 ms under
    // device load).
    const chains = this.db.engine === 'postgres' ? 2 : 1;
    const queue = [...statisticsTables];
    const chain = async () => {
      for (let table = queue.shift(); table !== undefined; table = queue.shift()) await analyzeTable(table);
    };
    await Promise.all(Array.from({ length: chains }, chain));
    await this.rearmAnalyze();
  }

  private async maybeAnalyze(rows: number): Promise<void> {
    this.rowsSinceAnalyze += rows;
    if (this.rowsSinceAnalyze < this.analyzeAfterRows || this.analyzing) return;
    this.analyzing = true;
    try {
      // A column at a time: each statement then holds PGlite's single connection for a few
      // milliseconds, not the 40–80 ms of a whole index table, so device batches queued meanwhile
      // are not held up (alert latency). Costs more in total, as each column samples the table.
      for (const table of statisticsTables) {
        const columns = await this.db.query<{ name: string }>(
          `SELECT attname AS name FROM pg_attribute
            WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND COALESCE(attstattarget, -1) <> 0
            ORDER BY attnum`,
          [table],
        );
        for (const c of columns) await guarded(() => this.db.exec(`ANALYZE ${table} (${c.name})`));
      }
      await this.rearmAnalyze();
    } finally {
      this.analyzing = false;
    }
  }

  /** The next re-analyse comes after analyzeEveryRows new index rows, or a tenth of those stored. */
  private async rearmAnalyze(): Promise<void> {
    const rows = await this.db.query<{ n: number | string | null }>(
      `SELECT sum(GREATEST(reltuples, 0))::float8 AS n FROM pg_class WHERE oid = ANY($1::regclass[])`,
      [indexTables],
    );
    this.rowsSinceAnalyze = 0;
    this.analyzeAfterRows = Math.max(analyzeEveryRows, analyzeScaleFactor * Number(rows[0]?.n ?? 0));
  }

  private async write<T>(work: (ctx: WriteContext) => Promise<T>): Promise<T> {
    const nowMs = this.context.now();
    const result = await guarded(() =>
      this.db.transaction((tx) => work({ tx, keys: this.context.keys, nowMs, newId: this.context.newId })),
    );
    await this.maybeAnalyze(1);
    return result;
  }

  /** An id outside the FHIR id syntax names no stored resource (every write is validated): 404 without asking the database. */
  private requireId(type: string, id: string): void {
    if (!isFhirId(id)) throw new VitaltwinError('VT_ERR_NOT_FOUND', `${type}/${JSON.stringify(id).slice(1, 66)} not found: not a FHIR id`);
  }

  private requireType(type: string) {
    const model = searchModel(type);
    if (!model) throw new VitaltwinError('VT_ERR_NOT_FOUND', `unknown resource type ${type}`);
    return model;
  }
}
