import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { isVitaltwinError, type ProblemDetail } from '@vitaltwin/core';
import type { FhirHttpClient } from '../fhir-http-client.ts';
import type { ImportItem } from './import-item.ts';
import type { ImportTarget, ItemProblem, TargetWriteResult } from './import-target.ts';
import { countResponse } from './store-import-target.ts';

/**
 * Imports into a running server through its FHIR API (`--server`): the items of a unit go as
 * transaction Bundles of `PUT Type/id` entries, `chunkSize` entries each (references are already
 * `Type/id`, so chunks stand alone). The server validates; its OperationOutcome issues
 * (`Bundle.entry[i].resource...`) are mapped back to the entries and lines of the files. A chunk of
 * NDJSON lines that fails as a transaction is re-sent as a batch, so that only the bad lines fail.
 * Unchanged resources are found with `POST [type]/_search` on `_id` and not sent again.
 */
export interface ServerImportTargetOptions {
  /** Entries per transaction Bundle (default 500). */
  readonly chunkSize?: number;
}

const relocate = (detail: ProblemDetail, type: string): ProblemDetail =>
  detail.expression ? { ...detail, expression: detail.expression.replace(/^Bundle\.entry\[\d+\]\.resource/, type) } : detail;

export class ServerImportTarget implements ImportTarget {
  private readonly chunkSize: number;

  constructor(
    private readonly client: FhirHttpClient,
    options: ServerImportTargetOptions = {},
  ) {
    this.chunkSize = options.chunkSize ?? 500;
  }

  async search(resourceType: string, criteria: string): Promise<Resource[]> {
    const bundle = await this.client.search(`${resourceType}?${criteria}&_count=2`);
    return matches(bundle);
  }

  async current(keys: readonly { type: string; id: string }[]): Promise<Map<string, Resource>> {
    const byType = new Map<string, string[]>();
    for (const k of keys) {
      const ids = byType.get(k.type);
      if (ids) ids.push(k.id);
      else byType.set(k.type, [k.id]);
    }
    const out = new Map<string, Resource>();
    for (const [type, ids] of byType) {
      // At most 500 ids per search: the server pages at 1000 (search-request.ts maxPageSize).
      const size = Math.min(this.chunkSize, 500);
      for (let start = 0; start < ids.length; start += size) {
        const part = ids.slice(start, start + size);
        const bundle = await this.client.search(type, new URLSearchParams({ _id: part.join(','), _count: String(part.length) }));
        for (const r of matches(bundle)) out.set(`${r.resourceType}/${r.id}`, r);
      }
    }
    return out;
  }

  async validate(resources: readonly Resource[]): Promise<ProblemDetail[][]> {
    return resources.map(() => []);
  }

  async write(items: readonly ImportItem[], atomic: boolean): Promise<TargetWriteResult> {
    const outcomes: ('created' | 'updated' | 'failed')[] = [];
    const problems: ItemProblem[] = [];
    for (let start = 0; start < items.length; start += this.chunkSize) {
      const chunk = items.slice(start, start + this.chunkSize);
      if (atomic && problems.length > 0) {
        // An earlier chunk of this file failed: the rest is not sent.
        for (let i = 0; i < chunk.length; i++) outcomes.push('failed');
        continue;
      }
      try {
        const response = await this.client.json<Bundle>('POST', '', bundleOf(chunk, 'transaction'));
        for (const e of response.entry ?? []) outcomes.push(e.response?.status?.startsWith('201') ? 'created' : 'updated');
      } catch (error) {
        if (!isVitaltwinError(error)) throw error;
        if (!atomic) {
          await this.writeOneByOne(chunk, start, outcomes, problems);
          continue;
        }
        for (let i = 0; i < chunk.length; i++) outcomes.push('failed');
        const located = error.problems.filter((p) => /^Bundle\.entry\[\d+\]/.test(p.expression ?? ''));
        for (const p of located) {
          const i = Number(/^Bundle\.entry\[(\d+)\]/.exec(p.expression!)![1]);
          problems.push({ item: start + i, detail: relocate(p, chunk[i]?.resourceType ?? '') });
        }
        if (located.length === 0) problems.push({ detail: { message: error.message } });
      }
    }
    return { outcomes, problems };
  }

  /** A batch: each entry succeeds or fails on its own (R4 http.html 3.1.0.11.1). */
  private async writeOneByOne(
    chunk: readonly ImportItem[],
    start: number,
    outcomes: ('created' | 'updated' | 'failed')[],
    problems: ItemProblem[],
  ): Promise<void> {
    const response = await this.client.json<Bundle>('POST', '', bundleOf(chunk, 'batch'));
    (response.entry ?? []).forEach((e: BundleEntry, i) => {
      const status = e.response?.status ?? '';
      if (status.startsWith('201')) outcomes.push('created');
      else if (status.startsWith('200')) outcomes.push('updated');
      else {
        outcomes.push('failed');
        const issues = e.response?.outcome?.issue ?? [];
        for (const issue of issues.length > 0 ? issues : [{ diagnostics: `HTTP ${status}` }]) {
          const detail: ProblemDetail = {
            message: (issue as { details?: { text?: string } }).details?.text ?? issue.diagnostics ?? `HTTP ${status}`,
            ...((issue as { expression?: string[] }).expression?.[0]
              ? { expression: (issue as { expression: string[] }).expression[0]! }
              : {}),
          };
          problems.push({ item: start + i, detail: relocate(detail, chunk[i]?.resourceType ?? '') });
        }
      }
    });
  }

  async transaction(bundle: unknown): Promise<{ created: number; updated: number; byType: Record<string, number> }> {
    return countResponse(await this.client.json<Bundle>('POST', '', bundle));
  }

  async finish(): Promise<void> {}

  async close(): Promise<void> {}
}

function bundleOf(items: readonly ImportItem[], type: 'transaction' | 'batch'): Bundle {
  return {
    resourceType: 'Bundle',
    type,
    entry: items.map((i) => ({ resource: i.resource, request: { method: 'PUT', url: `${i.resourceType}/${i.id}` } })),
  };
}

function matches(bundle: Bundle): Resource[] {
  return (bundle.entry ?? []).filter((e) => e.search?.mode !== 'outcome' && e.resource).map((e) => e.resource as Resource);
}
