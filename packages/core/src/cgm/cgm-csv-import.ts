import type { CgmImportResult, GlucoseUnit } from './cgm-reading.ts';
import { parseClarityCsv } from './clarity-csv.ts';
import { parseGenericCgmCsv } from './generic-cgm-csv.ts';

export type CgmCsvFormat = 'clarity' | 'generic';

export interface CgmCsvImportOptions {
  /** `auto` (default) looks at the first lines, see detectCgmCsvFormat. */
  readonly format?: CgmCsvFormat | 'auto';
  readonly subjectId?: string;
  readonly timeZoneOffsetMin?: number;
  /** Generic format only: overrides the unit implied by the glucose column name. */
  readonly unit?: GlucoseUnit;
}

export interface CgmCsvImportResult extends CgmImportResult {
  readonly format: CgmCsvFormat;
}

/**
 * A Clarity export is recognised by its header, which names `Event Type` and `Glucose Value`
 * columns within the first few lines; anything else is read as the generic `id,time,gl` table.
 */
export function detectCgmCsvFormat(text: string): CgmCsvFormat {
  const head = text.slice(0, 4096).toLowerCase();
  return head.includes('event type') && head.includes('glucose value') ? 'clarity' : 'generic';
}

export function importCgmCsv(text: string, options: CgmCsvImportOptions = {}): CgmCsvImportResult {
  const format = options.format === undefined || options.format === 'auto' ? detectCgmCsvFormat(text) : options.format;
  const common = {
    ...(options.subjectId !== undefined ? { subjectId: options.subjectId } : {}),
    ...(options.timeZoneOffsetMin !== undefined ? { timeZoneOffsetMin: options.timeZoneOffsetMin } : {}),
  };
  switch (format) {
    case 'clarity':
      return { format, ...parseClarityCsv(text, common) };
    case 'generic':
      return { format, ...parseGenericCgmCsv(text, { ...common, ...(options.unit ? { unit: options.unit } : {}) }) };
    default: {
      const unreachable: never = format;
      throw new Error(`unknown CGM CSV format ${String(unreachable)}`);
    }
  }
}
