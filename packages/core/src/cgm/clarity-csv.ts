import { parseCsv } from '../csv/csv-parse.ts';
import { clip, parseGlucoseField } from './cgm-glucose-value.ts';
import type { CgmEvent, CgmImportResult, CgmReading, CgmRowError, GlucoseUnit } from './cgm-reading.ts';
import { parseCgmTimestamp } from './cgm-timestamp.ts';

/**
 * Dexcom Clarity CSV export ("Export" in Clarity, one file per patient). Layout, as seen in real
 * exports (shared/data/cgm/README.md): a UTF-8 BOM, one header row
 * `Index, Timestamp (YYYY-MM-DDThh:mm:ss), Event Type, Event Subtype, Patient Info, Device Info,
 * Source Device ID, Glucose Value (mg/dL), Insulin Value (u), Carb Value (grams),
 * Duration (hh:mm:ss), Glucose Rate of Change (mg/dL/min)` (newer exports append Transmitter
 * columns; mmol/L exports say `Glucose Value (mmol/L)`), then metadata rows without a timestamp
 * (name, date of birth, device, alert settings), then timed rows whose `Event Type` is `EGV`
 * (estimated glucose value) or another event (Insulin, Carbs, Calibration, Exercise, Health ...).
 *
 * Columns are found by header name, not position. Metadata rows are skipped without reading their
 * content (they hold PHI). EGV rows become readings; other timed rows become events.
 */
export interface ClarityParseOptions {
  /** Subject id given to every reading (a Clarity export holds one patient). Default `clarity`. */
  readonly subjectId?: string;
  /** Minutes east of UTC of the export's local time (see cgm-timestamp.ts). Default 0 = UTC. */
  readonly timeZoneOffsetMin?: number;
}

interface ClarityColumns {
  readonly timestamp: number;
  readonly eventType: number;
  readonly eventSubtype: number;
  readonly glucose: number;
  readonly glucoseHeader: string;
  readonly unit: GlucoseUnit;
  readonly insulin: number;
  readonly carbs: number;
  readonly duration: number;
}

/** How many leading records may precede the header row. */
const headerSearchRows = 20;

export function parseClarityCsv(text: string, options: ClarityParseOptions = {}): CgmImportResult {
  const subjectId = options.subjectId ?? 'clarity';
  const offset = options.timeZoneOffsetMin ?? 0;
  const { records, errors: syntaxErrors } = parseCsv(text);
  const errors: CgmRowError[] = syntaxErrors.map((e) => ({ line: e.line, message: e.message }));
  const readings: CgmReading[] = [];
  const events: CgmEvent[] = [];

  let headerIndex = -1;
  let columns: ClarityColumns | undefined;
  for (let r = 0; r < Math.min(records.length, headerSearchRows) && !columns; r++) {
    columns = findColumns(records[r]!.fields);
    if (columns) headerIndex = r;
  }
  if (!columns) {
    errors.push({
      line: records[0]?.line ?? 1,
      message: 'not a Dexcom Clarity export: no header row with "Event Type" and "Glucose Value" columns',
    });
    return { readings, events, errors };
  }

  for (let r = headerIndex + 1; r < records.length; r++) {
    const { line, fields } = records[r]!;
    const cell = (i: number): string => (i >= 0 ? (fields[i] ?? '').trim() : '');
    const stamp = cell(columns.timestamp);
    // Metadata rows (FirstName, Device, Alert settings ...) carry no timestamp.
    if (stamp === '') continue;
    const timeMs = parseCgmTimestamp(stamp, offset);
    if (timeMs === undefined) {
      errors.push({ line, column: 'Timestamp', message: `timestamp ${JSON.stringify(clip(stamp))} is not YYYY-MM-DDThh:mm:ss` });
      continue;
    }
    const eventType = cell(columns.eventType);
    if (eventType.toUpperCase() === 'EGV') {
      const g = parseGlucoseField(cell(columns.glucose), columns.unit);
      if (!g.ok) {
        errors.push({ line, column: columns.glucoseHeader, message: g.message });
        continue;
      }
      readings.push(
        g.flag ? { subjectId, timeMs, glucoseMgDl: g.glucoseMgDl, flag: g.flag } : { subjectId, timeMs, glucoseMgDl: g.glucoseMgDl },
      );
      continue;
    }
    if (eventType === '') {
      errors.push({ line, column: 'Event Type', message: 'timed row without an event type' });
      continue;
    }
    events.push(toEvent(subjectId, timeMs, eventType, cell(columns.eventSubtype), columns, cell));
  }
  return { readings, events, errors };
}

function toEvent(
  subjectId: string,
  timeMs: number,
  type: string,
  subtype: string,
  columns: ClarityColumns,
  cell: (i: number) => string,
): CgmEvent {
  const base = { subjectId, timeMs, type, ...(subtype ? { subtype } : {}) };
  const numeric = (i: number): number | undefined => {
    const v = Number(cell(i).replace(',', '.'));
    return cell(i) !== '' && Number.isFinite(v) ? v : undefined;
  };
  let value: number | undefined;
  let unit: string | undefined;
  switch (type.toLowerCase()) {
    case 'insulin':
      value = numeric(columns.insulin);
      unit = 'U';
      break;
    case 'carbs':
      value = numeric(columns.carbs);
      unit = 'g';
      break;
    case 'calibration': {
      const g = parseGlucoseField(cell(columns.glucose), columns.unit);
      value = g.ok ? g.glucoseMgDl : undefined;
      unit = 'mg/dL';
      break;
    }
    case 'exercise':
      value = durationMin(cell(columns.duration));
      unit = 'min';
      break;
    default:
      break;
  }
  return value === undefined ? base : { ...base, value, ...(unit ? { unit } : {}) };
}

/** `h:mm:ss` (Clarity's Duration column) to minutes. */
function durationMin(text: string): number | undefined {
  const m = /^(\d+):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) / 60;
}

function findColumns(header: readonly string[]): ClarityColumns | undefined {
  const names = header.map((h) => h.replace(/^\uFEFF/, '').trim());
  const find = (prefix: string): number => names.findIndex((h) => h.toLowerCase().startsWith(prefix.toLowerCase()));
  const eventType = find('Event Type');
  const glucose = find('Glucose Value');
  const timestamp = find('Timestamp');
  if (eventType < 0 || glucose < 0 || timestamp < 0) return undefined;
  const glucoseHeader = names[glucose]!;
  const unit: GlucoseUnit = /mmol/i.test(glucoseHeader) ? 'mmol/L' : 'mg/dL';
  return {
    timestamp,
    eventType,
    eventSubtype: find('Event Subtype'),
    glucose,
    glucoseHeader,
    unit,
    insulin: find('Insulin Value'),
    carbs: find('Carb Value'),
    duration: find('Duration'),
  };
}
