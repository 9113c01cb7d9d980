import type { CsvRecord, CsvSyntaxError } from './csv-parse.ts';

/**
 * Incremental RFC 4180 CSV parser for inputs too large to hold in memory (a million-row vitals
 * file): feed text chunks of any size with `push`, then call `end`. It reads exactly as
 * `parseCsv` (csv-parse.ts) reads the whole text at once — same tolerance (a leading BOM is
 * dropped, CR, LF or CRLF end a record, blank lines are skipped, a quote inside an unquoted field
 * is text) and same reported errors (unterminated quoted field, text after a closing quote) — so
 * a record or error never depends on where the chunks were cut. Records carry the line on which
 * they start, and the syntax errors found inside them (so a caller can fail exactly that row).
 *
 * A hand-written state machine rather than a library: no maintained streaming CSV parser is
 * installed in this workspace, `@vitaltwin/core` takes no runtime dependencies, and the format
 * needs under 200 lines.
 */

/** A record with the syntax errors found while reading it, if any. */
export interface CsvStreamRecord extends CsvRecord {
  readonly errors?: readonly CsvSyntaxError[];
}

export interface CsvStreamResult {
  readonly records: CsvStreamRecord[];
  /** Every syntax error, including those attached to a record (a blank record keeps none). */
  readonly errors: CsvSyntaxError[];
}

const QUOTE = 34;
const CR = 13;
const LF = 10;
const BOM = 0xfeff;

type State =
  /** At the start of a field (start of a record or just after a delimiter). */
  | 'fieldStart'
  /** Inside an unquoted field. */
  | 'unquoted'
  /** Inside a quoted field. */
  | 'quoted'
  /** Just read a quote inside a quoted field: an escaped quote or the closing one. */
  | 'quoteInQuoted';

export class CsvStreamParser {
  private readonly delim: number;
  private state: State = 'fieldStart';
  private fields: string[] = [];
  private field = '';
  /** Line of the next character. */
  private line = 1;
  private recordLine = 1;
  private quoteOpenLine = 1;
  private atStreamStart = true;
  /** The last record ended on CR: a following LF belongs to it. */
  private pendingCr = false;
  private inRecord = false;
  /** Inside a quoted field, the last character read was CR (so an LF right after it is the same line break). */
  private lastWasCr = false;
  private records: CsvStreamRecord[] = [];
  private errors: CsvSyntaxError[] = [];
  private recordErrors: CsvSyntaxError[] = [];
  private ended = false;

  constructor(options: { readonly delimiter?: string } = {}) {
    const delimiter = options.delimiter ?? ',';
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new RangeError(`CSV delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`);
    }
    this.delim = delimiter.charCodeAt(0);
  }

  /** Parses the next chunk; returns the records and errors completed by it. */
  push(chunk: string): CsvStreamResult {
    if (this.ended) throw new Error('CsvStreamParser: push after end');
    let i = 0;
    const n = chunk.length;
    if (this.atStreamStart && n > 0) {
      this.atStreamStart = false;
      if (chunk.charCodeAt(0) === BOM) i = 1;
    }
    while (i < n) {
      const c = chunk.charCodeAt(i);
      if (this.pendingCr) {
        this.pendingCr = false;
        if (c === LF) {
          i += 1;
          continue;
        }
      }
      switch (this.state) {
        case 'fieldStart':
        case 'unquoted': {
          if (this.state === 'fieldStart' && !this.inRecord) {
            this.inRecord = true;
            this.recordLine = this.line;
          }
          if (c === QUOTE && this.state === 'fieldStart') {
            this.state = 'quoted';
            this.quoteOpenLine = this.line;
            i += 1;
          } else if (c === this.delim) {
            this.endField();
            i += 1;
          } else if (c === LF || c === CR) {
            this.endRecord();
            this.line += 1;
            this.pendingCr = c === CR;
            i += 1;
          } else {
            // A run of plain characters up to the next delimiter or line break.
            let j = i + 1;
            while (j < n) {
              const d = chunk.charCodeAt(j);
              if (d === this.delim || d === LF || d === CR) break;
              j += 1;
            }
            this.field += chunk.slice(i, j);
            this.state = 'unquoted';
            i = j;
          }
          break;
        }
        case 'quoted': {
          let j = i;
          while (j < n) {
            const d = chunk.charCodeAt(j);
            if (d === QUOTE) break;
            // Count CRLF once (at the CR), a lone CR or LF once.
            if (d === CR) this.line += 1;
            else if (d === LF && !(j > 0 ? chunk.charCodeAt(j - 1) === CR : this.lastWasCr)) this.line += 1;
            j += 1;
          }
          this.field += chunk.slice(i, j);
          if (j > i) this.lastWasCr = chunk.charCodeAt(j - 1) === CR;
          if (j < n) {
            this.state = 'quoteInQuoted';
            this.lastWasCr = false;
            j += 1;
          }
          i = j;
          break;
        }
        case 'quoteInQuoted': {
          if (c === QUOTE) {
            this.field += '"';
            this.state = 'quoted';
            i += 1;
          } else if (c === this.delim || c === LF || c === CR) {
            this.state = 'unquoted'; // the field is closed; the delimiter or line break is handled there
          } else {
            this.error({ line: this.line, message: 'unexpected text after a closing quote' });
            this.state = 'unquoted';
          }
          break;
        }
        default:
          assertNever(this.state);
      }
    }
    return this.flush();
  }

  /** Completes the last record; reports an unterminated quoted field. */
  end(): CsvStreamResult {
    if (this.ended) return { records: [], errors: [] };
    this.ended = true;
    if (this.state === 'quoted') this.error({ line: this.quoteOpenLine, message: 'unterminated quoted field (missing closing ")' });
    if (this.inRecord) this.endRecord();
    return this.flush();
  }

  private error(e: CsvSyntaxError): void {
    this.errors.push(e);
    this.recordErrors.push(e);
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.state = 'fieldStart';
  }

  private endRecord(): void {
    this.fields.push(this.field);
    this.field = '';
    // A blank line is one empty field: not a record (as parseCsv).
    if (!(this.fields.length === 1 && this.fields[0] === '')) {
      this.records.push(
        this.recordErrors.length > 0
          ? { line: this.recordLine, fields: this.fields, errors: this.recordErrors }
          : { line: this.recordLine, fields: this.fields },
      );
    }
    this.recordErrors = [];
    this.fields = [];
    this.state = 'fieldStart';
    this.inRecord = false;
  }

  private flush(): CsvStreamResult {
    const out = { records: this.records, errors: this.errors };
    this.records = [];
    this.errors = [];
    return out;
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected parser state ${String(value)}`);
}
