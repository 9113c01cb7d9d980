import { CsvColumnReader, parseCsvTable } from '../../csv/csv-table.ts';
import { prefixProblems, SimInputError } from '../../sim-input-error.ts';
import { type UvaPadovaParams, type UvaPadovaScalarKey, uvaCsvColumns, uvaInitialStateColumns, uvaScalarKeys } from './params.ts';
import { validateUvaPadovaParams } from './params-validation.ts';

/**
 * Parses simglucose's `vpatient_params.csv` (one virtual patient per row, 62 columns; the columns not
 * used by the dynamics are ignored, see glucose-model.md §3). Pure: text in, typed parameters out.
 * Every problem is reported with its row and column, e.g. `vpatient_params.csv row 12 (adult#002),
 * column kabs: not a finite number: "x"`; a row that parses but is physically inadmissible is reported
 * with the column of the offending field.
 */
export function parseUvaPadovaParamsCsv(text: string, source = 'vpatient_params.csv'): UvaPadovaParams[] {
  const table = parseCsvTable(text, source);
  const reader = new CsvColumnReader(table, ['Name', ...Object.values(uvaCsvColumns), ...uvaInitialStateColumns]);
  reader.throwIfProblems();
  const out: UvaPadovaParams[] = [];
  const seen = new Set<string>();
  for (const row of table.rows) {
    const before = reader.problems.length;
    const name = reader.text(row, 'Name');
    if (name === '') reader.problems.push({ path: `${reader.label(row)}, column Name`, message: 'must not be empty' });
    else if (seen.has(name)) reader.problems.push({ path: `${reader.label(row)}, column Name`, message: 'duplicate patient name' });
    seen.add(name);
    const scalars = {} as Record<UvaPadovaScalarKey, number>;
    for (const key of uvaScalarKeys) scalars[key] = reader.number(row, uvaCsvColumns[key]);
    const initialState = uvaInitialStateColumns.map((c) => reader.number(row, c));
    if (reader.problems.length > before) continue;
    const params: UvaPadovaParams = { name, ...scalars, initialState };
    for (const p of validateUvaPadovaParams(params)) {
      reader.problems.push({ path: `${reader.label(row)}, column ${csvColumnOf(p.path)}`, message: p.message });
    }
    out.push(params);
  }
  reader.throwIfProblems();
  return out;
}

/** Maps a parameter field path (`kabsPerMin`, `initialState[3]`) to its CSV column (`kabs`, `x0_ 4`). */
function csvColumnOf(path: string): string {
  const m = /^initialState\[(\d+)\]$/.exec(path);
  if (m) return uvaInitialStateColumns[Number(m[1])] ?? path;
  return (uvaCsvColumns as Record<string, string>)[path] ?? path;
}

/**
 * Validates a custom parameter set given as untyped JSON (e.g. a calibrated patient uploaded by a
 * user), optionally as overrides on top of `base`. Throws `SimInputError` whose problem paths are
 * prefixed with `pathPrefix` (e.g. `params.kabsPerMin: must be > 0`).
 */
export function uvaPadovaParamsFromJson(json: unknown, base?: UvaPadovaParams, pathPrefix = ''): UvaPadovaParams {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SimInputError('invalid UVA/Padova parameters', [{ path: pathPrefix, message: 'must be a JSON object' }]);
  }
  const known = new Set<string>(['name', 'initialState', ...uvaScalarKeys]);
  const unknownKeys = Object.keys(json).filter((k) => !known.has(k));
  const merged = { ...(base ?? {}), ...json } as UvaPadovaParams;
  const problems = [
    ...unknownKeys.map((k) => ({ path: k, message: 'unknown parameter (fields are named with units, e.g. kabsPerMin)' })),
    ...validateUvaPadovaParams(merged),
  ];
  if (problems.length > 0) throw new SimInputError('invalid UVA/Padova parameters', prefixProblems(pathPrefix, problems));
  return { ...merged, initialState: [...merged.initialState] };
}
