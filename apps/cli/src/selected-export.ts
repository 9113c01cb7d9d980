import { VitaltwinError } from '@vitaltwin/core';
import {
  FhirHttpClient,
  FhirRepository,
  isFhirResourceType,
  parseBulkExportParams,
  remoteBulkExport,
  type SqlClient,
  writeNdjsonExport,
} from '@vitaltwin/platform';
import { UsageError } from './exit-codes.ts';
import { withSecurityStore } from './security-store.ts';

/**
 * The `vitaltwin export` modes that select what to export: `--type` and `--since` (FHIR Bulk Data
 * `_type` and `_since` semantics: resources changed after the instant) from the store, and
 * `--server URL`, which runs the server's asynchronous `$export` and downloads its NDJSON files.
 * Both write one `Type.ndjson` per resource type into `--out`.
 */
export interface SelectedExportFlags {
  readonly out: string;
  readonly type?: string;
  readonly since?: string;
  /** `_typeFilter` searches, `Type?param=value&...`. */
  readonly typeFilter?: readonly string[];
  readonly server?: string;
  readonly token?: string;
  readonly dataDir?: string;
}

export interface SelectedExportSummary {
  readonly outDir: string;
  readonly deidentified: false;
  readonly files: readonly { readonly file: string; readonly count: number }[];
}

export function parseTypes(text: string | undefined): string[] {
  if (text === undefined) return [];
  const types = text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  for (const t of types) if (!isFhirResourceType(t)) throw new UsageError(`--type ${t} is not a FHIR R4 resource type`);
  return types;
}

export function parseSince(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--since must be a date or instant like 2024-01-31 or 2024-01-31T08:00:00Z, got "${text}"`);
  return ms;
}

/** `--type-filter` values checked as `_typeFilter` is at the server (a message names each bad one). */
export function parseTypeFilters(values: readonly string[] | undefined): ReadonlyMap<string, readonly URLSearchParams[]> | undefined {
  if (values === undefined || values.length === 0) return undefined;
  try {
    return parseBulkExportParams(new URLSearchParams(values.map((v): [string, string] => ['_typeFilter', v])), false).typeFilters;
  } catch (error) {
    const problems = error instanceof VitaltwinError ? error.problems.map((p) => p.message) : [String(error)];
    throw new UsageError(`--type-filter: ${problems.join('; ').replaceAll('_typeFilter ', '')}`);
  }
}

export async function selectedExport(flags: SelectedExportFlags): Promise<SelectedExportSummary> {
  const types = parseTypes(flags.type);
  const sinceMs = parseSince(flags.since);
  const typeFilters = parseTypeFilters(flags.typeFilter);
  if (flags.server !== undefined) {
    if (flags.dataDir !== undefined) throw new UsageError('--data-dir and --server exclude each other');
    const token = flags.token ?? process.env.VITALTWIN_TOKEN;
    const client = new FhirHttpClient({ server: flags.server, ...(token ? { token } : {}) });
    const result = await remoteBulkExport(client, {
      outDir: flags.out,
      types,
      ...(sinceMs !== undefined ? { sinceMs } : {}),
      ...(flags.typeFilter !== undefined ? { typeFilters: flags.typeFilter } : {}),
    });
    return { outDir: flags.out, deidentified: false, files: result.files.map((f) => ({ file: f.file, count: f.count })) };
  }
  if (flags.token !== undefined) throw new UsageError('--token is only used with --server');
  return withSecurityStore(flags.dataDir, async (store) => {
    try {
      const planned = typeFilters ? await planLocally(store.db, typeFilters) : undefined;
      const outputs = await writeNdjsonExport(store.db, {
        outDir: flags.out,
        selection: {
          types,
          untilMs: Date.now(),
          ...(sinceMs !== undefined ? { sinceMs } : {}),
          ...(planned !== undefined ? { typeFilters: planned } : {}),
        },
      });
      await store.audit({ action: 'export', entity: 'export', outcome: 'success' });
      return { outDir: flags.out, deidentified: false, files: outputs.map((o) => ({ file: o.file, count: o.count })) };
    } catch (error) {
      await store.audit({ action: 'export', outcome: 'failed', detail: (error as Error).message.slice(0, 120) });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'ENOTDIR' || code === 'EEXIST')
        throw new VitaltwinError('VT_ERR_CONFIG', `cannot write to --out ${flags.out} (${code})`);
      throw error;
    }
  });
}

/** The filters as SQL on the store's own search index (a FhirRepository without validator threads). */
async function planLocally(db: SqlClient, filters: ReadonlyMap<string, readonly URLSearchParams[]>) {
  const repo = await FhirRepository.open(db, { validationWorkers: 0 });
  try {
    return new Map([...filters].map(([type, queries]) => [type, repo.matchingSet(type, queries, { strict: true })]));
  } finally {
    await repo.close();
  }
}

export function printSelectedExport(summary: SelectedExportSummary, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  for (const f of summary.files) process.stdout.write(`${f.file}\t${f.count}\n`);
  process.stdout.write(`wrote ${summary.files.length} files to ${summary.outDir}\n`);
}
