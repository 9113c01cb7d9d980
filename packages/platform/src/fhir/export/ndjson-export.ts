import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SqlQueryable } from '../../store/sql-client.ts';
import { type ExportSelection, exportResources, exportTypes } from './export-selection.ts';

/**
 * Writes the selected resources as FHIR Bulk Data NDJSON (one resource per line, one file per
 * type, `Type.ndjson`, continued in `Type-2.ndjson` ... past `maxLinesPerFile`), streaming from
 * the store with back-pressure, so memory stays flat whatever the size. Types without resources
 * get no file (Bulk Data IG: output lists only files that hold resources). Checks `signal`
 * between pages so a cancelled export stops promptly.
 */
export interface NdjsonExportOptions {
  readonly outDir: string;
  readonly selection: ExportSelection;
  readonly maxLinesPerFile?: number;
  readonly signal?: AbortSignal;
  /** After each type: its name, types done, types in all, resources written so far. */
  readonly onProgress?: (progress: { type: string; typesDone: number; typesTotal: number; resources: number }) => void;
}

export interface NdjsonOutput {
  readonly type: string;
  readonly file: string;
  readonly count: number;
}

export async function writeNdjsonExport(db: SqlQueryable, options: NdjsonExportOptions): Promise<NdjsonOutput[]> {
  await mkdir(options.outDir, { recursive: true, mode: 0o700 });
  const maxLines = options.maxLinesPerFile ?? 100_000;
  const types = await exportTypes(db, options.selection);
  const outputs: NdjsonOutput[] = [];
  let resources = 0;
  for (const [i, type] of types.entries()) {
    let stream: WriteStream | undefined;
    let file = '';
    let count = 0;
    let part = 0;
    const close = async () => {
      if (!stream) return;
      stream.end();
      await once(stream, 'finish');
      outputs.push({ type, file, count });
      stream = undefined;
    };
    try {
      for await (const resource of exportResources(db, type, options.selection)) {
        options.signal?.throwIfAborted();
        if (stream && count >= maxLines) await close();
        if (!stream) {
          part++;
          file = part === 1 ? `${type}.ndjson` : `${type}-${part}.ndjson`;
          stream = createWriteStream(join(options.outDir, file), { mode: 0o600 });
          count = 0;
        }
        count++;
        resources++;
        if (!stream.write(`${JSON.stringify(resource)}\n`)) await once(stream, 'drain');
      }
      await close();
    } finally {
      stream?.destroy();
    }
    options.onProgress?.({ type, typesDone: i + 1, typesTotal: types.length, resources });
  }
  return outputs;
}
