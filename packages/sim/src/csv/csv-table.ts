import { SimInputError, type SimProblem } from '../sim-input-error.ts';

/** A parsed CSV file: header cells and data rows, each with its 1-based line number in the file. */
export interface CsvTable {
  readonly source: string;
  readonly header: readonly string[];
  readonly rows: readonly CsvRow[];
}

export interface CsvRow {
  /** 1-based line number in the file (the header is line 1). */
  readonly line: number;
  readonly cells: readonly string[];
}

/**
 * Parses comma-separated text (RFC 4180: double-quoted fields may contain commas, quotes doubled,
 * CRLF or LF line ends). Blank lines are skipped; every row must have as many cells as the header.
 * Header cells are trimmed at the ends only (simglucose's `x0_ 1` keeps its inner space).
 */
export function parseCsvTable(text: string, source: string): CsvTable {
  const lines = splitRecords(text);
  const first = lines[0];
  if (!first) throw new SimInputError(`${source}: empty file`, [{ path: `${source} line 1`, message: 'missing header row' }]);
  const header = first.cells.map((c) => c.trim());
  const rows: CsvRow[] = [];
  const problems: SimProblem[] = [];
  for (const rec of lines.slice(1)) {
    if (rec.cells.length !== header.length) {
      problems.push({ path: `${source} row ${rec.line}`, message: `has ${rec.cells.length} cells, header has ${header.length}` });
      continue;
    }
    rows.push(rec);
  }
  if (problems.length > 0) throw new SimInputError(`${source}: malformed CSV`, problems);
  return { source, header, rows };
}

function splitRecords(text: string): CsvRow[] {
  const out: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const endRecord = (): void => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0]!.trim() === '')) out.push({ line: recordLine, cells });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else cell += ch;
  }
  if (cell !== '' || cells.length > 0) endRecord();
  return out;
}

/**
 * Reads typed columns from a table, collecting every problem with its row and column instead of
 * stopping at the first one. `label(row)` names a row in messages, e.g. `row 12 (adult#002)`.
 */
export class CsvColumnReader {
  readonly problems: SimProblem[] = [];
  private readonly index = new Map<string, number>();

  constructor(
    private readonly table: CsvTable,
    required: readonly string[],
  ) {
    table.header.forEach((name, i) => {
      if (!this.index.has(name)) this.index.set(name, i);
    });
    for (const name of required) {
      if (!this.index.has(name)) this.problems.push({ path: `${table.source} header`, message: `missing column "${name}"` });
    }
  }

  label(row: CsvRow): string {
    const name = this.text(row, 'Name');
    return `${this.table.source} row ${row.line}${name ? ` (${name})` : ''}`;
  }

  text(row: CsvRow, column: string): string {
    const i = this.index.get(column);
    return i === undefined ? '' : (row.cells[i] ?? '').trim();
  }

  /** A finite number, or NaN with a recorded problem. */
  number(row: CsvRow, column: string): number {
    if (!this.index.has(column)) return Number.NaN;
    const raw = this.text(row, column);
    const value = raw === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(value)) {
      this.problems.push({ path: `${this.label(row)}, column ${column}`, message: `not a finite number: "${raw}"` });
    }
    return value;
  }

  /** Throws one `SimInputError` listing every problem seen so far, if any. */
  throwIfProblems(): void {
    if (this.problems.length > 0) throw new SimInputError(`${this.table.source}: ${this.problems.length} problem(s)`, this.problems);
  }
}
