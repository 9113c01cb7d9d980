/**
 * A small RFC 4180 CSV tokenizer (https://www.rfc-editor.org/rfc/rfc4180): fields separated by a
 * delimiter, records by CRLF or LF, fields optionally enclosed in double quotes, a quote inside a
 * quoted field written as two quotes, and quoted fields may hold delimiters and line breaks.
 *
 * Kept deliberately tolerant, because real exports (Dexcom Clarity, spreadsheet tools) are not
 * always strict: a UTF-8 byte order mark at the start is dropped, a lone CR also ends a record,
 * blank lines are skipped, and a quote appearing inside an unquoted field is kept as text. The two
 * malformations that change how the rest of the file is read are reported with their line:
 * an unterminated quoted field and text after a closing quote.
 *
 * Each record carries the 1-based line number on which it starts, so that importers can point a
 * user at the offending line even when quoted fields span lines.
 */

export interface CsvRecord {
  /** 1-based line number of the first character of the record. */
  readonly line: number;
  readonly fields: readonly string[];
}

export interface CsvSyntaxError {
  readonly line: number;
  readonly message: string;
}

export interface CsvParseResult {
  readonly records: CsvRecord[];
  readonly errors: CsvSyntaxError[];
}

export interface CsvParseOptions {
  /** Field delimiter, one character; default `,`. */
  readonly delimiter?: string;
}

const QUOTE = 34; // "
const CR = 13;
const LF = 10;
const BOM = 0xfeff;

export function parseCsv(text: string, options: CsvParseOptions = {}): CsvParseResult {
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new RangeError(`CSV delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`);
  }
  const delim = delimiter.charCodeAt(0);
  const records: CsvRecord[] = [];
  const errors: CsvSyntaxError[] = [];
  const n = text.length;
  let i = n > 0 && text.charCodeAt(0) === BOM ? 1 : 0;
  let line = 1;

  let fields: string[] = [];
  let recordLine = 1;
  let field = '';

  const endRecord = (): void => {
    fields.push(field);
    field = '';
    // A blank line is one empty field: not a record.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
  };

  let atRecordStart = true;
  while (i < n) {
    if (atRecordStart) {
      recordLine = line;
      atRecordStart = false;
    }
    const c = text.charCodeAt(i);
    if (c === QUOTE && field === '' && isFieldStart(text, i, delim)) {
      // Quoted field: read to the closing quote, unescaping "" pairs.
      const openLine = line;
      i += 1;
      let closed = false;
      let start = i;
      while (i < n) {
        const q = text.charCodeAt(i);
        if (q === QUOTE) {
          field += text.slice(start, i);
          if (i + 1 < n && text.charCodeAt(i + 1) === QUOTE) {
            field += '"';
            i += 2;
            start = i;
            continue;
          }
          i += 1;
          closed = true;
          break;
        }
        if (q === LF || (q === CR && text.charCodeAt(i + 1) !== LF)) line += 1;
        i += 1;
      }
      if (!closed) {
        field += text.slice(start, i);
        errors.push({ line: openLine, message: 'unterminated quoted field (missing closing ")' });
        break;
      }
      // After the closing quote only a delimiter or a line break may follow.
      const after = i < n ? text.charCodeAt(i) : LF;
      if (after !== delim && after !== LF && after !== CR) {
        errors.push({ line, message: 'unexpected text after a closing quote' });
        let j = i;
        while (j < n && text.charCodeAt(j) !== delim && text.charCodeAt(j) !== LF && text.charCodeAt(j) !== CR) j += 1;
        field += text.slice(i, j);
        i = j;
      }
      continue;
    }
    if (c === delim) {
      fields.push(field);
      field = '';
      i += 1;
      continue;
    }
    if (c === LF || c === CR) {
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line += 1;
      endRecord();
      atRecordStart = true;
      continue;
    }
    // Plain run of characters up to the next delimiter or line break.
    let j = i + 1;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === delim || d === LF || d === CR) break;
      j += 1;
    }
    field += text.slice(i, j);
    i = j;
  }
  if (!atRecordStart) endRecord();
  return { records, errors };
}

/** A quote opens a quoted field only as the first character of the field. */
function isFieldStart(text: string, i: number, delim: number): boolean {
  if (i === 0) return true;
  const prev = text.charCodeAt(i - 1);
  return prev === delim || prev === LF || prev === CR || prev === BOM;
}
