import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { ProblemDetail } from '@vitaltwin/core';
import { binaryArray } from '../../store/binary-array-param.ts';
import { findMatches } from '../conditional-match.ts';
import type { FhirRepository } from '../fhir-repository.ts';
import { inlineValidator } from '../resource-validation.ts';
import { type WriteOp, writeBatch } from '../resource-writer.ts';
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

export class StoreImportTarget implements ImportTarget {
  private readonly pool: ValidationPool | undefined;
  private readonly batchSize: number;
  private wrote = false;
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
    for (let start = 0; start < keys.length; start += this.batchSize) {
      const part = keys.slice(start, start + this.batchSize);
      const types = part.map((k) => k.type);
      const ids = part.map((k) => k.id);
      const rows = await guarded(() =>
        this.repo.context.db.query<{ resource_type: string; id: string; content: Resource | string }>(
          `SELECT r.resource_type, r.id, r.content FROM fhir_resource r
             JOIN unnest($1::text[], $2::text[]) AS k(t, i) ON r.resource_type = k.t AND r.id = k.i
            WHERE NOT r.deleted`,
          [binaryArray('text', types), binaryArray('text', ids)],
        ),
      );
      for (const r of rows) out.set(`${r.resource_type}/${r.id}`, typeof r.content === 'string' ? JSON.parse(r.content) : r.content);
    }
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
    const ops: WriteOp[] = items.map((i) => ({ kind: 'update', resource: i.resource }));
    const nowIso = new Date(this.repo.context.now()).toISOString();
    const keys = this.repo.context.keys;
    // One transaction for the unit: a Bundle file is written completely or not at all.
    const outcomes = await guarded(() =>
      this.repo.context.db.transaction(async (tx) => {
        const out: ('created' | 'updated')[] = [];
        for (let start = 0; start < ops.length; start += this.batchSize) {
          const { results } = await writeBatch(tx, keys, ops.slice(start, start + this.batchSize), nowIso);
          for (const r of results) out.push(r.outcome === 'created' ? 'created' : 'updated');
        }
        return out;
      }),
    );
    this.wrote = true;
    return { outcomes, problems: [] };
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
