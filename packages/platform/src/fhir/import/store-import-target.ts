import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { ProblemDetail } from '@vitaltwin/core';
import { findMatches } from '../conditional-match.ts';
import type { FhirRepository } from '../fhir-repository.ts';
import { lookupPlannedRows, type UpdateOp, writePlannedScript, writeUnderLock } from '../planned-write.ts';
import { inlineValidator } from '../resource-validation.ts';
import type { AssumedRow } from '../resource-writer.ts';
import { guarded } from '../storage-errors.ts';
import { defaultPoolSize, ValidationPool } from '../validation-pool.ts';
import type { ImportItem } from './import-item.ts';
import type { ImportTarget, TargetWriteResult } from './import-target.ts';

/**
 * Imports straight into the store (embedded PGlite or PostgreSQL) through the repository's batch
 * write path: resources, history and search index rows in a few statements per `batchSize`
 * resources, one database transaction per unit (a Bundle file is all or nothing). Validation runs
 * in worker threads, started with the target so that their definitions load while files are read;
 * the pipeline validates unit k+1 there while unit k is written here.
 *
 * A unit's write is planned from the rows `current()` read while the unit was staged (row keys and
 * live versions, with row keys reserved for new resources), so it reaches the database as one
 * request (a transaction script) with no lookup before it: on PGlite's single thread the next
 * unit's script then queues right behind it, and the database never waits for this thread. If
 * the store changed in between, the script fails on a primary key and the unit is written again
 * the ordinary way (planned-write.ts).
 */
export interface StoreImportTargetOptions {
  /** Validator worker threads (default: the repository's default pool size; 0 validates inline). */
  readonly validationWorkers?: number;
  /** A pool started earlier (so its threads load the definitions while the database opens); the target closes it. */
  readonly pool?: ValidationPool;
  /** Resources per write statement (default 1000). */
  readonly batchSize?: number;
  /** Let this thread take a share of validation when the workers fall behind (default true). */
  readonly balanceValidation?: boolean;
  /** Base URL used to read `request.url` of transaction Bundles (default `urn:vitaltwin:import`). */
  readonly baseUrl?: string;
}

/** Lookups a planned row outlives (the pipeline stages a few units ahead of the one it writes). */
const keptLookups = 8;

export class StoreImportTarget implements ImportTarget {
  private readonly pool: ValidationPool | undefined;
  private readonly batchSize: number;
  private wrote = false;
  /**
   * Row key and live version of each resource `current()` looked up, until it is written, tagged
   * with the lookup's number: rows of resources never written (unchanged) are dropped a few lookups
   * later. A row missing when its unit is written only means the ordinary write path.
   */
  private readonly rows = new Map<string, AssumedRow & { readonly lookup: number }>();
  private lookups = 0;
  /** Fraction of each unit validated on this thread (see validationWaited). */
  private mainShare: number;

  constructor(
    private readonly repo: FhirRepository,
    private readonly options: StoreImportTargetOptions = {},
  ) {
    const workers = options.validationWorkers ?? defaultPoolSize();
    this.pool = options.pool ?? (workers > 0 ? new ValidationPool(workers) : undefined);
    this.batchSize = options.batchSize ?? 1000;
    this.mainShare = 0;
  }

  search(resourceType: string, criteria: string): Promise<Resource[]> {
    const ctx = this.repo.context;
    return guarded(() => findMatches(ctx.db, ctx.keys, resourceType, criteria, ctx.now()));
  }

  async current(keys: readonly { type: string; id: string }[]): Promise<Map<string, Resource>> {
    const out = new Map<string, Resource>();
    const lookup = ++this.lookups;
    for (const [key, row] of this.rows) if (row.lookup < lookup - keptLookups) this.rows.delete(key);
    // A resource that does not exist gets a row key now, for the write planned ahead (see write).
    const { rows, contents } = await guarded(() => lookupPlannedRows(this.repo.context.db, keys, true, this.batchSize));
    keys.forEach((k, i) => {
      const key = `${k.type}/${k.id}`;
      this.rows.set(key, { ...rows[i]!, lookup });
      const content = contents[i];
      if (content !== undefined) out.set(key, content);
    });
    return out;
  }

  async validate(resources: readonly Resource[]): Promise<ProblemDetail[][]> {
    // An empty pool (one core) would skip validation: validate here instead.
    if (!this.pool || this.pool.size === 0 || resources.length === 0) return inlineValidator(resources);
    // The tail share is validated on this thread at once, the rest in the workers meanwhile.
    const cut = resources.length - Math.round(resources.length * this.mainShare);
    const remote = this.pool.validate(resources.slice(0, cut));
    const local = await inlineValidator(resources.slice(cut));
    return [...(await remote), ...local];
  }

  /**
   * Balances validation between the workers and this thread, which also parses and writes: when
   * the pipeline had to wait for the workers, this thread takes a larger share of the next units;
   * when it did not, a smaller one (a step of 5%, between none and half).
   */
  validationWaited(ms: number): void {
    if (this.options.balanceValidation === false) return;
    const step = ms > 2 ? 0.05 : -0.05;
    this.mainShare = Math.min(0.5, Math.max(0, this.mainShare + step));
  }

  async write(items: readonly ImportItem[]): Promise<TargetWriteResult> {
    if (items.length === 0) return { outcomes: [], problems: [] };
    const nowIso = new Date(this.repo.context.now()).toISOString();
    const keys = this.repo.context.keys;
    const db = this.repo.context.db;
    const ops: UpdateOp[] = items.map((i) => ({ kind: 'update', resource: i.resource }));
    const assumed = items.map((i) => this.rows.get(`${i.resourceType}/${i.id}`));
    for (const i of items) this.rows.delete(`${i.resourceType}/${i.id}`);
    // One transaction for the unit: a Bundle file is written completely or not at all.
    const written = await guarded(
      async () =>
        (assumed.every((a) => a !== undefined) ? await writePlannedScript(db, keys, ops, assumed, nowIso, this.batchSize) : undefined) ??
        (await writeUnderLock(db, keys, ops, nowIso, this.batchSize)),
    );
    this.wrote = true;
    return { outcomes: written.results.map((r) => (r.outcome === 'created' ? 'created' : 'updated')), problems: [] };
  }

  async transaction(bundle: unknown): Promise<{ created: number; updated: number; byType: Record<string, number> }> {
    const response = await this.repo.processBundle(bundle, {
      baseUrl: this.options.baseUrl ?? 'urn:vitaltwin:import',
      representation: false,
    });
    this.wrote = true;
    return countResponse(response);
  }

  async finish(): Promise<void> {
    // Fresh planner statistics after a bulk load (PGlite has no autovacuum to do it).
    if (this.wrote) await this.repo.analyze();
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

/** Created and updated resources of a transaction-response Bundle, by the type in each location. */
export function countResponse(response: Bundle): { created: number; updated: number; byType: Record<string, number> } {
  let created = 0;
  let updated = 0;
  const byType: Record<string, number> = {};
  for (const e of response.entry ?? []) {
    const status = e.response?.status ?? '';
    const type = /(?:^|\/)([A-Z][A-Za-z]+)\/[^/]+\/_history\//.exec(e.response?.location ?? '')?.[1];
    if (type === undefined) continue;
    if (status.startsWith('201')) created++;
    else if (status.startsWith('200')) updated++;
    else continue;
    byType[type] = (byType[type] ?? 0) + 1;
  }
  return { created, updated, byType };
}
