/**
 * Writes one CSV record (RFC 4180 §2): fields joined by commas, a field enclosed in double quotes
 * when it contains a comma, a quote, CR or LF, with inner quotes doubled. Fields are otherwise
 * written as they are, so values pass through a read–write cycle unchanged.
 */
const NEEDS_QUOTES = /[",\r\n]/;

export function formatCsvField(field: string): string {
  return NEEDS_QUOTES.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

/** The record followed by a line break (`\n` by default; RFC 4180 writes CRLF). */
export function formatCsvRecord(fields: readonly string[], lineEnd = '\n'): string {
  let out = '';
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) out += ',';
    out += formatCsvField(fields[i]!);
  }
  return out + lineEnd;
}
