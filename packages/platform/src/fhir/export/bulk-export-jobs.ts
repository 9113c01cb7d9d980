import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { VitaltwinError } from '@vitaltwin/core';
import type { SqlQueryable } from '../../store/sql-client.ts';
import { type ExportSelection, groupPatients } from './export-selection.ts';
import { type NdjsonOutput, writeNdjsonExport } from './ndjson-export.ts';

/**
 * Asynchronous bulk export jobs (FHIR Bulk Data Access IG 2.0, "Asynchronous Request Pattern"):
 * a kick-off starts a job in the background and returns its id; the status tells in-progress
 * (with a progress text for `X-Progress`), complete (with the manifest) or failed; DELETE cancels
 * and removes the files. Files live in `dir/<job id>/` and are deleted `retentionMs` after the
 * job ends. Jobs are kept in memory: a restarted server forgets them (clients kick off again),
 * so `dir` is emptied on start and on close.
 */
export type BulkExportLevel = 'system' | 'patient' | 'group';

export interface BulkExportKickoff {
  readonly level: BulkExportLevel;
  readonly groupId?: string;
  /** `_type`; empty: all types. */
  readonly types: readonly string[];
  /** `_since` in epoch ms. */
  readonly sinceMs?: number;
  /** `_typeFilter`, planned (ExportSelection.typeFilters). */
  readonly typeFilters?: ExportSelection['typeFilters'];
  /** The kick-off request URL, echoed in the manifest (`request`). */
  readonly requestUrl: string;
  /** Who asked: status, files and cancel answer this caller only. */
  readonly owner: string;
  /** A caller limited to these patients (a patient-context token) gets only their compartments. */
  readonly onlyPatients?: readonly string[];
}

export interface BulkExportManifest {
  readonly transactionTime: string;
  readonly request: string;
  readonly requiresAccessToken: boolean;
  readonly output: readonly { readonly type: string; readonly url: string; readonly count: number }[];
  readonly error: readonly { readonly type: string; readonly url: string; readonly count: number }[];
}

export type BulkExportStatus =
  | { readonly state: 'in-progress'; readonly progress: string }
  | {
      readonly state: 'complete';
      readonly transactionTimeMs: number;
      /** The kick-off request URL. */
      readonly request: string;
      readonly outputs: readonly NdjsonOutput[];
    }
  | { readonly state: 'failed'; readonly message: string };

export interface BulkExportJobsOptions {
  /** Directory for job folders (emptied on start and close). */
  readonly dir: string;
  /** How long finished jobs and their files are kept (default 1 hour). */
  readonly retentionMs?: number;
  /** Jobs running at once; more kick-offs get 429 (default 2). */
  readonly maxRunning?: number;
  readonly now?: () => number;
  /** Failures of background jobs, for the log (the job's status says `failed`). */
  readonly onJobError?: (error: unknown) => void;
}

interface Job {
  readonly id: string;
  readonly owner: string;
  readonly controller: AbortController;
  status: BulkExportStatus;
  done: Promise<void>;
  expiry?: NodeJS.Timeout;
}

export class BulkExportJobs {
  private readonly jobs = new Map<string, Job>();
  private readonly retentionMs: number;
  private readonly now: () => number;

  private constructor(
    private readonly db: SqlQueryable,
    private readonly options: BulkExportJobsOptions,
  ) {
    this.retentionMs = options.retentionMs ?? 60 * 60 * 1000;
    this.now = options.now ?? Date.now;
  }

  /** Empties `dir` (files of a previous process cannot be served: their jobs are gone). */
  static async open(db: SqlQueryable, options: BulkExportJobsOptions): Promise<BulkExportJobs> {
    await rm(options.dir, { recursive: true, force: true });
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    return new BulkExportJobs(db, options);
  }

  /** Starts a job in the background and returns its id. */
  async start(kickoff: BulkExportKickoff): Promise<string> {
    const running = [...this.jobs.values()].filter((j) => j.status.state === 'in-progress').length;
    if (running >= (this.options.maxRunning ?? 2))
      throw new VitaltwinError('VT_ERR_RATE_LIMITED', `${running} exports are running; retry when one has finished`);
    const patients = await this.patientsOf(kickoff);
    const transactionTimeMs = this.now();
    const selection: ExportSelection = {
      types: kickoff.types,
      untilMs: transactionTimeMs,
      ...(kickoff.sinceMs !== undefined ? { sinceMs: kickoff.sinceMs } : {}),
      ...(patients !== undefined ? { patients } : {}),
      ...(kickoff.typeFilters !== undefined ? { typeFilters: kickoff.typeFilters } : {}),
    };
    const job: Job = {
      id: randomUUID(),
      owner: kickoff.owner,
      controller: new AbortController(),
      status: { state: 'in-progress', progress: 'starting' },
      done: Promise.resolve(),
    };
    this.jobs.set(job.id, job);
    job.done = this.run(job, selection, transactionTimeMs, kickoff.requestUrl);
    return job.id;
  }

  private async patientsOf(kickoff: BulkExportKickoff): Promise<'all' | readonly string[] | undefined> {
    const only = kickoff.onlyPatients;
    switch (kickoff.level) {
      case 'system':
        return only;
      case 'patient':
        return only ?? 'all';
      case 'group': {
        const members = await groupPatients(this.db, kickoff.groupId ?? '');
        return only ? members.filter((m) => only.includes(m)) : members;
      }
    }
  }

  private async run(job: Job, selection: ExportSelection, transactionTimeMs: number, request: string): Promise<void> {
    try {
      const outputs = await writeNdjsonExport(this.db, {
        outDir: this.dirOf(job.id),
        selection,
        signal: job.controller.signal,
        onProgress: (p) => {
          job.status = {
            state: 'in-progress',
            progress: `${p.typesDone} of ${p.typesTotal} resource types, ${p.resources} resources`,
          };
        },
      });
      if (job.controller.signal.aborted) return;
      job.status = { state: 'complete', transactionTimeMs, request, outputs };
    } catch (error) {
      if (job.controller.signal.aborted) return;
      this.options.onJobError?.(error);
      job.status = { state: 'failed', message: 'the export failed; see the server log' };
      await rm(this.dirOf(job.id), { recursive: true, force: true }).catch(() => undefined);
    }
    job.expiry = setTimeout(() => {
      this.cancel(job.id, job.owner).catch(() => undefined);
    }, this.retentionMs);
    job.expiry.unref();
  }

  status(id: string, owner: string): BulkExportStatus | undefined {
    const job = this.jobs.get(id);
    return job && job.owner === owner ? job.status : undefined;
  }

  /** The path of an output file of a complete job, or undefined. */
  file(id: string, name: string, owner: string): string | undefined {
    const status = this.status(id, owner);
    if (status?.state !== 'complete' || !status.outputs.some((o) => o.file === name)) return undefined;
    return join(this.dirOf(id), name);
  }

  /** Stops the job if running and deletes it and its files; false when there is no such job. */
  async cancel(id: string, owner: string): Promise<boolean> {
    const job = this.jobs.get(id);
    if (!job || job.owner !== owner) return false;
    this.jobs.delete(id);
    if (job.expiry) clearTimeout(job.expiry);
    job.controller.abort();
    await job.done.catch(() => undefined);
    await rm(this.dirOf(id), { recursive: true, force: true });
    return true;
  }

  /** Waits for a job to end (tests). */
  async settled(id: string): Promise<void> {
    await this.jobs.get(id)?.done;
  }

  async close(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((j) => this.cancel(j.id, j.owner)));
    await rm(this.options.dir, { recursive: true, force: true });
  }

  private dirOf(id: string): string {
    return join(this.options.dir, id);
  }
}

/** The manifest of a complete job (Bulk Data IG "Complete Status" response body). */
export function bulkExportManifest(
  status: Extract<BulkExportStatus, { state: 'complete' }>,
  links: { readonly fileUrl: (file: string) => string; readonly requiresAccessToken: boolean },
): BulkExportManifest {
  return {
    transactionTime: new Date(status.transactionTimeMs).toISOString(),
    request: status.request,
    requiresAccessToken: links.requiresAccessToken,
    output: status.outputs.map((o) => ({ type: o.type, url: links.fileUrl(o.file), count: o.count })),
    error: [],
  };
}
