import { parseCsv } from '../csv/csv-parse.ts';
import { clip, parseGlucoseField } from './cgm-glucose-value.ts';
import type { CgmImportResult, CgmReading, CgmRowError, GlucoseUnit } from './cgm-reading.ts';
import { parseCgmTimestamp } from './cgm-timestamp.ts';

/**
 * Generic long-format CGM table, one reading per row, as used by the iglu R package
 * (`id, time, gl`; Broll S et al., PLoS One 2021;16:e0248560) and most research data sets.
 *
 * Header names are matched case-insensitively after trimming; these aliases are accepted:
 *
 * | column | accepted names |
 * |---|---|
 * | subject | `id`, `subject`, `subject_id`, `subjectid`, `patient`, `patient_id` (optional: without it every row belongs to `subjectId`) |
 * | time | `time`, `timestamp`, `datetime`, `date_time` |
 * | glucose, mg/dL | `gl`, `glucose`, `glucose_mgdl`, `sgv` |
 * | glucose, mmol/L | `gl_mmol`, `glucose_mmol`, `glucose_mmoll` |
 *
 * The delimiter is a comma unless the header row has none and has semicolons or tabs. Glucose
 * cells may hold `Low` / `High` (flagged sentinels, see cgm-reading.ts). Times follow
 * cgm-timestamp.ts (unzoned = local at `timeZoneOffsetMin`).
 */
export interface GenericCgmParseOptions {
  /** Subject id for rows when the table has no subject column. Default `subject`. */
  readonly subjectId?: string;
  /** Minutes east of UTC for unzoned times. Default 0 = UTC. */
  readonly timeZoneOffsetMin?: number;
  /** Overrides the unit implied by the glucose column name. */
  readonly unit?: GlucoseUnit;
}

const subjectNames = ['id', 'subject', 'subject_id', 'subjectid', 'patient', 'patient_id'];
const timeNames = ['time', 'timestamp', 'datetime', 'date_time'];
const mgDlNames = ['gl', 'glucose', 'glucose_mgdl', 'sgv'];
const mmolNames = ['gl_mmol', 'glucose_mmol', 'glucose_mmoll'];

export function parseGenericCgmCsv(text: string, options: GenericCgmParseOptions = {}): CgmImportResult {
  const { records, errors: syntaxErrors } = parseCsv(text, { delimiter: detectDelimiter(text) });
  const errors: CgmRowError[] = syntaxErrors.map((e) => ({ line: e.line, message: e.message }));
  const readings: CgmReading[] = [];
  const header = records[0];
  if (!header) {
    errors.push({ line: 1, message: 'empty file: expected a header row with time and glucose columns (e.g. id,time,gl)' });
    return { readings, events: [], errors };
  }
  const names = header.fields.map((h) => h.trim().toLowerCase());
  const indexOf = (candidates: readonly string[]): number => names.findIndex((h) => candidates.includes(h));
  const subjectCol = indexOf(subjectNames);
  const timeCol = indexOf(timeNames);
  const mgDlCol = indexOf(mgDlNames);
  const mmolCol = indexOf(mmolNames);
  const glucoseCol = mgDlCol >= 0 ? mgDlCol : mmolCol;
  if (timeCol < 0 || glucoseCol < 0) {
    const missing = [timeCol < 0 ? 'time' : '', glucoseCol < 0 ? 'glucose (gl)' : ''].filter((s) => s !== '').join(' and ');
    errors.push({ line: header.line, message: `header has no ${missing} column; expected e.g. id,time,gl` });
    return { readings, events: [], errors };
  }
  const unit: GlucoseUnit = options.unit ?? (mgDlCol >= 0 ? 'mg/dL' : 'mmol/L');
  const glucoseHeader = header.fields[glucoseCol]!.trim();
  const timeHeader = header.fields[timeCol]!.trim();
  const defaultSubject = options.subjectId ?? 'subject';
  const offset = options.timeZoneOffsetMin ?? 0;

  for (let r = 1; r < records.length; r++) {
    const { line, fields } = records[r]!;
    const cell = (i: number): string => (fields[i] ?? '').trim();
    const subjectId = subjectCol >= 0 ? cell(subjectCol) : defaultSubject;
    if (subjectId === '') {
      errors.push({ line, column: header.fields[subjectCol]!.trim(), message: 'subject id is empty' });
      continue;
    }
    const stamp = cell(timeCol);
    const timeMs = parseCgmTimestamp(stamp, offset);
    if (timeMs === undefined) {
      errors.push({ line, column: timeHeader, message: `time ${JSON.stringify(clip(stamp))} is not an ISO 8601 date-time` });
      continue;
    }
    const g = parseGlucoseField(cell(glucoseCol), unit);
    if (!g.ok) {
      errors.push({ line, column: glucoseHeader, message: g.message });
      continue;
    }
    readings.push(
      g.flag ? { subjectId, timeMs, glucoseMgDl: g.glucoseMgDl, flag: g.flag } : { subjectId, timeMs, glucoseMgDl: g.glucoseMgDl },
    );
  }
  return { readings, events: [], errors };
}

/** Comma, unless the first line has no comma but has semicolons or tabs. */
function detectDelimiter(text: string): string {
  const end = text.search(/\r|\n/);
  const first = end < 0 ? text : text.slice(0, end);
  if (first.includes(',')) return ',';
  if (first.includes(';')) return ';';
  if (first.includes('\t')) return '\t';
  return ',';
}
