import type { Resource } from '@medplum/fhirtypes';
import type { ProblemDetail } from '@vitaltwin/core';
import type { ImportItem } from './import-item.ts';

/**
 * Where an import writes: the store directly (store-import-target.ts) or a running server over its
 * FHIR API (server-import-target.ts). The pipeline (import-pipeline.ts) is the same for both.
 */
export interface ItemProblem {
  /** Index into the items written; undefined when the problem concerns the whole write. */
  readonly item?: number;
  readonly detail: ProblemDetail;
}

export interface TargetWriteResult {
  /** Per item written: created, updated, or failed (its problems are listed). */
  readonly outcomes: readonly ('created' | 'updated' | 'failed')[];
  readonly problems: readonly ItemProblem[];
}

export interface ImportTarget {
  /** Live resources matching conditional `criteria` (at most 2: enough to tell one from several). */
  search(resourceType: string, criteria: string): Promise<Resource[]>;
  /** The live content of those resources that exist, keyed `Type/id`. */
  current(keys: readonly { readonly type: string; readonly id: string }[]): Promise<Map<string, Resource>>;
  /** Validation problems per resource before writing (none when the target validates on write). */
  validate(resources: readonly Resource[]): Promise<ProblemDetail[][]>;
  /** How long the pipeline then waited for a validation it needed (lets the target balance its threads). */
  validationWaited?(ms: number): void;
  /**
   * Creates or updates the items with their ids. `atomic`: all or nothing (a failure is thrown);
   * otherwise each item may fail on its own (reported in `problems`).
   */
  write(items: readonly ImportItem[], atomic: boolean): Promise<TargetWriteResult>;
  /** A transaction or batch Bundle with full FHIR semantics; returns resources written per outcome. */
  transaction(bundle: unknown): Promise<{ created: number; updated: number; byType: Record<string, number> }>;
  /** Called once after the last write (e.g. refresh planner statistics). */
  finish(): Promise<void>;
  close(): Promise<void>;
}
