import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type DeidentificationReport,
  deidentifyResource,
  emptyReport,
  type Pseudonymizer,
  patientsOf,
  shiftFhirDate,
} from '@vitaltwin/core';
import type { SqlQueryable } from '../store/sql-client.ts';

/**
 * Writes everything in the store as NDJSON (FHIR Bulk Data style: one `<Type>.ndjson` file per
 * resource type, one resource per line), plus `DeviceReading.ndjson` for the device time series.
 * With `deidentify`, every resource goes through HIPAA Safe Harbor de-identification with the
 * date shift of the patient it belongs to, and `deidentification-report.json` records what was
 * removed per kind.
 */
export interface StoreExportOptions {
  readonly outDir: string;
  readonly deidentify?: { readonly pseudonymizer: Pseudonymizer; readonly referenceYear: number };
  readonly pageSize?: number;
}

export interface StoreExportSummary {
  readonly outDir: string;
  readonly deidentified: boolean;
  readonly files: readonly { readonly file: string; readonly count: number }[];
  readonly report?: DeidentificationReport;
}

class NdjsonFiles {
  private readonly streams = new Map<string, { stream: WriteStream; count: number }>();
  constructor(private readonly dir: string) {}

  async write(name: string, value: unknown): Promise<void> {
    let entry = this.streams.get(name);
    if (entry === undefined) {
      entry = { stream: createWriteStream(join(this.dir, `${name}.ndjson`), { mode: 0o600 }), count: 0 };
      this.streams.set(name, entry);
    }
    entry.count += 1;
    if (!entry.stream.write(`${JSON.stringify(value)}\n`)) await once(entry.stream, 'drain');
  }

  async close(): Promise<{ file: string; count: number }[]> {
    const files: { file: string; count: number }[] = [];
    for (const [name, { stream, count }] of this.streams) {
      stream.end();
      await once(stream, 'finish');
      files.push({ file: `${name}.ndjson`, count });
    }
    return files.sort((a, b) => a.file.localeCompare(b.file));
  }
}

interface ResourceRow {
  resource_type: string;
  id: string;
  patient_id: string | null;
  content: unknown;
}

interface ReadingRow {
  patient_id: string;
  series: number;
  code: string;
  t: Date;
  value: number;
  unit: string;
  device_id: string;
}

export async function exportStore(db: SqlQueryable, options: StoreExportOptions): Promise<StoreExportSummary> {
  const pageSize = options.pageSize ?? 1000;
  await mkdir(options.outDir, { recursive: true, mode: 0o700 });
  const files = new NdjsonFiles(options.outDir);
  const report = emptyReport();
  const deid = options.deidentify;
  let after: [string, string] = ['', ''];
  for (;;) {
    const rows = await db.query<ResourceRow>(
      `SELECT resource_type, id, patient_id, content FROM fhir_resource
        WHERE NOT deleted AND content IS NOT NULL AND (resource_type, id) > ($1, $2)
        ORDER BY resource_type, id LIMIT $3`,
      [after[0], after[1], pageSize],
    );
    for (const row of rows) {
      const resource = (typeof row.content === 'string' ? JSON.parse(row.content) : row.content) as Record<string, unknown>;
      if (deid === undefined) {
        await files.write(row.resource_type, resource);
        continue;
      }
      const patientKey = row.patient_id ?? patientsOf(resource)[0];
      const options = patientKey === undefined ? deid : { ...deid, patientKey };
      await files.write(row.resource_type, deidentifyResource(resource, options, report));
    }
    if (rows.length < pageSize) break;
    const last = rows[rows.length - 1] as ResourceRow;
    after = [last.resource_type, last.id];
  }
  let afterReading: [number, Date, string] | undefined;
  for (;;) {
    // Keyset paging on reading_point's primary key (series, t, device_id); the first page has no lower bound.
    const rows = await db.query<ReadingRow>(
      `SELECT s.patient_id, s.code, p.series, p.t, p.value, p.unit, p.device_id
         FROM reading_point p JOIN reading_series s ON s.id = p.series
        ${afterReading ? 'WHERE (p.series, p.t, p.device_id) > ($1, $2, $3)' : ''}
        ORDER BY p.series, p.t, p.device_id LIMIT ${afterReading ? '$4' : '$1'}`,
      afterReading ? [...afterReading, pageSize * 10] : [pageSize * 10],
    );
    for (const r of rows) {
      const time = new Date(r.t).toISOString();
      if (deid === undefined) {
        await files.write('DeviceReading', {
          patient: r.patient_id,
          code: r.code,
          time,
          value: r.value,
          unit: r.unit,
          device: r.device_id || undefined,
        });
        continue;
      }
      const days = deid.pseudonymizer.dateShiftDays(r.patient_id);
      report.date += 1;
      report.resourceId += 1;
      await files.write('DeviceReading', {
        patient: `Patient/${deid.pseudonymizer.resourceId(r.patient_id)}`,
        code: r.code,
        time: shiftFhirDate(time, days),
        value: r.value,
        unit: r.unit,
        ...(r.device_id ? { device: deid.pseudonymizer.identifier('device', r.device_id) } : {}),
      });
    }
    if (rows.length < pageSize * 10) break;
    const last = rows[rows.length - 1] as ReadingRow;
    afterReading = [last.series, last.t, last.device_id];
  }
  const written = await files.close();
  if (deid !== undefined) {
    await writeFile(
      join(options.outDir, 'deidentification-report.json'),
      `${JSON.stringify(
        {
          method: 'HIPAA Safe Harbor, 45 CFR 164.514(b)(2); dates shifted per patient by a keyed offset of up to ±365 days',
          referenceYear: deid.referenceYear,
          files: written,
          removedOrReplaced: report,
        },
        null,
        2,
      )}\n`,
      { mode: 0o600 },
    );
  }
  return { outDir: options.outDir, deidentified: deid !== undefined, files: written, ...(deid ? { report } : {}) };
}
