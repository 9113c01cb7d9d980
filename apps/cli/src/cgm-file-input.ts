import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type CgmEvent, type CgmReading, type CgmRowError, importCgmCsv, readingsFromCgmBundle, VitaltwinError } from '@vitaltwin/core';
import { UsageError } from './exit-codes.ts';

/**
 * Reads a CGM file for the `metrics cgm` and `forecast evaluate` commands: a Dexcom Clarity CSV
 * export, a generic `id,time,gl` CSV, or an HL7 CGM IG Bundle (JSON). Bad rows are reported and
 * skipped; a file that cannot be read, or yields no reading at all, is an error (exit 1).
 */
export const cgmFileFormats = ['auto', 'clarity', 'generic', 'fhir'] as const;
export type CgmFileFormat = (typeof cgmFileFormats)[number];

export interface CgmFileOptions {
  readonly format?: string;
  readonly tzOffset?: string;
  readonly subject?: string;
  readonly unit?: string;
}

export interface CgmFileContents {
  readonly file: string;
  readonly format: Exclude<CgmFileFormat, 'auto'>;
  readonly timeZoneOffsetMin: number;
  readonly readings: CgmReading[];
  readonly events: CgmEvent[];
  /** Row problems with `line` (CSV) or a FHIRPath `expression` (Bundle). */
  readonly errors: Array<
    CgmRowError | { readonly line?: undefined; readonly column?: undefined; readonly expression?: string; readonly message: string }
  >;
}

export function parseTimeZoneOffset(text: string | undefined): number {
  if (text === undefined) return 0;
  const v = Number(text);
  if (!/^[+-]?\d+$/.test(text.trim()) || Math.abs(v) > 840) {
    throw new UsageError(`--tz-offset must be whole minutes east of UTC between -840 and 840, got "${text}"`);
  }
  return v;
}

export function loadCgmFile(path: string, options: CgmFileOptions): CgmFileContents {
  const format = (options.format ?? 'auto') as CgmFileFormat;
  if (!cgmFileFormats.includes(format))
    throw new UsageError(`--format must be one of ${cgmFileFormats.join('|')}, got "${options.format}"`);
  if (options.unit !== undefined && options.unit !== 'mg/dL' && options.unit !== 'mmol/L') {
    throw new UsageError(`--unit must be mg/dL or mmol/L, got "${options.unit}"`);
  }
  const timeZoneOffsetMin = parseTimeZoneOffset(options.tzOffset);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw new VitaltwinError('VT_ERR_NOT_FOUND', `cannot read ${path}: ${code}`);
  }
  const file = path;
  const isJson =
    format === 'fhir' ||
    (format === 'auto' &&
      text
        .replace(/^\uFEFF/, '')
        .trimStart()
        .startsWith('{'));
  if (isJson) {
    let json: unknown;
    try {
      json = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch {
      throw new VitaltwinError('VT_ERR_VALIDATION', `${file}: not valid JSON (expected an HL7 CGM Bundle)`);
    }
    const { readings, problems } = readingsFromCgmBundle(json);
    const errors = problems.filter((p) => p.severity !== 'information').map((p) => ({ expression: p.expression, message: p.message }));
    return finish({ file, format: 'fhir', timeZoneOffsetMin, readings, events: [], errors });
  }
  const result = importCgmCsv(text, {
    format,
    subjectId: options.subject ?? basename(path).replace(/\.[^.]*$/, ''),
    timeZoneOffsetMin,
    ...(options.unit ? { unit: options.unit as 'mg/dL' | 'mmol/L' } : {}),
  });
  return finish({
    file,
    format: result.format,
    timeZoneOffsetMin,
    readings: result.readings,
    events: result.events,
    errors: result.errors,
  });
}

function finish(contents: CgmFileContents): CgmFileContents {
  if (contents.readings.length === 0) {
    const first = contents.errors.slice(0, 5).map((e) => ({ message: e.message, expression: locate(contents.file, e) }));
    throw new VitaltwinError('VT_ERR_VALIDATION', `${contents.file}: no CGM readings could be read`, first);
  }
  return contents;
}

/** `file:line (column)` or `file: expression`, for messages. */
export function locate(file: string, e: CgmFileContents['errors'][number]): string {
  if (e.line !== undefined) return `${file}:${e.line}${e.column ? ` (${e.column})` : ''}`;
  return `${file}${'expression' in e && e.expression ? `: ${e.expression}` : ''}`;
}

/** Prints row problems to stderr, at most `limit` of them, and a count of the rest. */
export function reportRowErrors(contents: CgmFileContents, limit = 20): void {
  const { errors, file } = contents;
  if (errors.length === 0) return;
  process.stderr.write(`${file}: ${errors.length} row(s) skipped\n`);
  for (const e of errors.slice(0, limit)) process.stderr.write(`  ${locate(file, e)}: ${e.message}\n`);
  if (errors.length > limit) process.stderr.write(`  ... and ${errors.length - limit} more (see --json)\n`);
}
