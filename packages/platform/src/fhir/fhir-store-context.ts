import type { SqlClient } from '../store/sql-client.ts';
import type { BatchValidator } from './resource-validation.ts';
import type { SearchIndexKeys } from './search-index-keys.ts';

/** What the repository's parts share: the database, the index keys, the clock and the id source. */
export interface FhirStoreContext {
  readonly db: SqlClient;
  readonly keys: SearchIndexKeys;
  /** Epoch milliseconds (injected so tests control time). */
  readonly now: () => number;
  /** New server-assigned resource ids. */
  readonly newId: () => string;
  /** Validates many resources at once (worker threads when available); see validation-pool.ts. */
  readonly validate: BatchValidator;
}
