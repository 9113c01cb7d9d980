import { readdir, readFile } from 'node:fs/promises';
import type { FhirRepository } from '@vitaltwin/platform';

/** Where the shipped demo patients live (Synthea bundles, see demo/synthea/README.md). */
export const demoBundleDir = new URL('../../demo/synthea/', import.meta.url);

interface BundleEntry {
  fullUrl?: string;
  resource?: { resourceType?: string; id?: string };
  request?: unknown;
}

/**
 * A Synthea bundle (transaction with POSTs, or collection without requests) as a transaction of
 * PUTs that keep each resource's own id: loading it again updates instead of duplicating, and
 * `urn:uuid:` references are still rewritten by the transaction processor (FHIR R4 §3.1.0.11.2).
 */
export function toUpsertTransaction(bundle: { entry?: BundleEntry[] }): Record<string, unknown> {
  const entry = (bundle.entry ?? []).flatMap((e) => {
    const type = e.resource?.resourceType;
    const id = e.resource?.id;
    if (!type || !id) return [];
    return [{ ...(e.fullUrl ? { fullUrl: e.fullUrl } : {}), resource: e.resource, request: { method: 'PUT', url: `${type}/${id}` } }];
  });
  return { resourceType: 'Bundle', type: 'transaction', entry };
}

export interface LoadedBundle {
  readonly file: string;
  readonly patientId: string;
  readonly resources: number;
}

/**
 * Loads every shipped demo bundle, each in one transaction (or only reads them when `write` is
 * false, for a data set loaded before), and returns each bundle's Patient id.
 */
export async function loadDemoBundles(repo: FhirRepository, baseUrl: string, write: boolean): Promise<LoadedBundle[]> {
  const files = (await readdir(demoBundleDir)).filter((f) => f.endsWith('.json')).sort((a, b) => a.localeCompare(b));
  const loaded: LoadedBundle[] = [];
  for (const file of files) {
    const bundle = JSON.parse(await readFile(new URL(file, demoBundleDir), 'utf8')) as { entry?: BundleEntry[] };
    const patient = bundle.entry?.find((e) => e.resource?.resourceType === 'Patient')?.resource?.id;
    if (!patient) continue;
    const transaction = toUpsertTransaction(bundle);
    if (write) await repo.processBundle(transaction, { baseUrl, representation: false });
    loaded.push({ file, patientId: patient, resources: (transaction.entry as unknown[]).length });
  }
  return loaded;
}
