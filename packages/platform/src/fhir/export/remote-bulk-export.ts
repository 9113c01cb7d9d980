import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { VitaltwinError } from '@vitaltwin/core';
import type { FhirHttpClient } from '../fhir-http-client.ts';
import type { BulkExportManifest } from './bulk-export-jobs.ts';

/**
 * A Bulk Data client (FHIR Bulk Data Access IG 2.0) for `vitaltwin export --server`: kicks off
 * `$export` with `Prefer: respond-async`, polls the status URL (honouring Retry-After), downloads
 * every output file into `outDir` as it streams in, and deletes the job on the server afterwards.
 */
export interface RemoteBulkExportOptions {
  readonly outDir: string;
  readonly types?: readonly string[];
  readonly sinceMs?: number;
  /** `_typeFilter` searches (`Type?param=value`), sent as given. */
  readonly typeFilters?: readonly string[];
  /** Longest wait between polls (default 5 s; the server's Retry-After is used when shorter). */
  readonly maxPollMs?: number;
  /** Give up after this long (default 1 hour). */
  readonly timeoutMs?: number;
  readonly onProgress?: (text: string) => void;
}

export interface RemoteBulkExportResult {
  readonly transactionTime: string;
  readonly files: readonly { readonly type: string; readonly file: string; readonly count: number }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function remoteBulkExport(client: FhirHttpClient, options: RemoteBulkExportOptions): Promise<RemoteBulkExportResult> {
  const query = new URLSearchParams({ _outputFormat: 'application/fhir+ndjson' });
  if (options.types && options.types.length > 0) query.set('_type', options.types.join(','));
  if (options.sinceMs !== undefined) query.set('_since', new Date(options.sinceMs).toISOString());
  for (const filter of options.typeFilters ?? []) query.append('_typeFilter', filter);
  const kickoff = await client.send('GET', `$export?${query.toString()}`, undefined, { prefer: 'respond-async' });
  const status = kickoff.headers.get('content-location');
  if (kickoff.status !== 202 || !status)
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'the server did not start an asynchronous export');
  const deadline = Date.now() + (options.timeoutMs ?? 60 * 60 * 1000);
  let manifest: BulkExportManifest | undefined;
  try {
    while (manifest === undefined) {
      const response = await client.send('GET', status);
      if (response.status === 200) {
        manifest = (await response.json()) as BulkExportManifest;
        break;
      }
      await response.body?.cancel();
      options.onProgress?.(response.headers.get('x-progress') ?? 'in progress');
      if (Date.now() > deadline) throw new VitaltwinError('VT_ERR_STORAGE', 'the export did not finish in time');
      const retryAfterSec = Number(response.headers.get('retry-after'));
      await sleep(Math.min(options.maxPollMs ?? 5000, Number.isFinite(retryAfterSec) && retryAfterSec > 0 ? retryAfterSec * 1000 : 1000));
    }
    await mkdir(options.outDir, { recursive: true, mode: 0o700 });
    const files: { type: string; file: string; count: number }[] = [];
    for (const output of manifest.output) {
      const file = basename(new URL(output.url).pathname);
      const response = await client.send('GET', output.url, undefined, { accept: 'application/fhir+ndjson' });
      if (!response.body) throw new VitaltwinError('VT_ERR_STORAGE', `empty response for ${file}`);
      await pipeline(
        Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>),
        createWriteStream(join(options.outDir, file), { mode: 0o600 }),
      );
      files.push({ type: output.type, file, count: output.count });
      options.onProgress?.(`downloaded ${file}`);
    }
    return { transactionTime: manifest.transactionTime, files };
  } finally {
    // The server keeps files for a while; tell it they are no longer needed (best effort).
    await client
      .send('DELETE', status)
      .then((r) => r.body?.cancel())
      .catch(() => undefined);
  }
}
