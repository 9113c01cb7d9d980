import type { ImportProblem } from './import-problem.ts';

/** What an import did, for the command's summary line and `--json`. */
export interface ImportSummary {
  readonly files: number;
  /** Files with at least one problem (a Bundle file with a problem imports nothing). */
  readonly filesFailed: readonly string[];
  readonly resources: {
    readonly created: number;
    readonly updated: number;
    /** Already stored with the same content (nothing written), or matched by a conditional create. */
    readonly unchanged: number;
    /** Read but not imported (invalid, or in a failed Bundle file). */
    readonly failed: number;
  };
  /** Resources imported per type: created, updated and unchanged. */
  readonly byType: Readonly<Record<string, number>>;
  readonly placeholders: { readonly created: number; readonly filled: number };
  readonly seconds: number;
  /** Imported resources (created, updated and unchanged) per second of the whole run. */
  readonly resourcesPerSec: number;
  readonly problems: readonly ImportProblem[];
}

export interface ImportProgress {
  readonly filesDone: number;
  readonly filesTotal: number;
  /** Resources handled so far (imported, unchanged or failed). */
  readonly resources: number;
  readonly file: string;
}

/** Running totals of an import. */
export class ImportTally {
  created = 0;
  updated = 0;
  unchanged = 0;
  failed = 0;
  filesDone = 0;
  readonly byType: Record<string, number> = {};
  readonly failedFiles = new Set<string>();
  readonly problems: ImportProblem[] = [];

  count(type: string, n = 1): void {
    this.byType[type] = (this.byType[type] ?? 0) + n;
  }

  get handled(): number {
    return this.created + this.updated + this.unchanged + this.failed;
  }

  summary(files: number, placeholders: { created: number; filled: number }, seconds: number): ImportSummary {
    const imported = this.created + this.updated + this.unchanged;
    const byType: Record<string, number> = {};
    for (const type of Object.keys(this.byType).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) byType[type] = this.byType[type]!;
    return {
      files,
      filesFailed: [...this.failedFiles],
      resources: { created: this.created, updated: this.updated, unchanged: this.unchanged, failed: this.failed },
      byType,
      placeholders,
      seconds: Number(seconds.toFixed(3)),
      resourcesPerSec: seconds > 0 ? Math.round(imported / seconds) : 0,
      problems: this.problems,
    };
  }
}
