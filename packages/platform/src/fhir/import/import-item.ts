import type { Resource } from '@medplum/fhirtypes';
import type { ImportProblem, ItemLocation } from './import-problem.ts';

/**
 * The unit of work of an import: the resources read from one file (a Bundle or a single resource,
 * imported all or nothing), or from a run of lines of an NDJSON file (each line on its own).
 */
export interface ImportItem {
  readonly resourceType: string;
  /** Stable id (see stable-id.ts); may change once when a conditional create fills a placeholder. */
  id: string;
  /** The resource to write; references are rewritten in place of the one read. */
  resource: Resource & { id: string };
  readonly location: ItemLocation;
  /** `entry.fullUrl` of a Bundle entry: other entries may reference it. */
  readonly fullUrl?: string;
  /** `request.ifNoneExist` of a conditional create (R4 http.html#ccreate). */
  readonly ifNoneExist?: string;
  /** A stand-in created for an unresolved conditional reference (see placeholder-resource.ts). */
  readonly placeholder?: boolean;
  /** Set when the item needs no write: it matched an existing resource or the store already holds it. */
  skip?: 'existing' | 'unchanged';
  /** A problem was found with it (reported in the unit's problems); it is not written. */
  failed?: boolean;
}

export interface ImportUnit {
  /** Display name of the file. */
  readonly file: string;
  /** Bundles and single-resource files import all or nothing; NDJSON lines one by one. */
  readonly atomic: boolean;
  readonly items: ImportItem[];
  /** Problems found while reading (unparsable JSON, unsupported entries). */
  readonly problems: ImportProblem[];
  /**
   * A transaction or batch Bundle with interactions beyond create/update (DELETE, PATCH, conditional
   * update ...): processed with full FHIR transaction semantics instead of the import fast path.
   */
  readonly transaction?: unknown;
  /** The last unit of its file (progress counts files). */
  readonly endOfFile: boolean;
  /** Resources read (for progress and rates), including those that turn out invalid. */
  readonly read: number;
}
