import { readFile } from 'node:fs/promises';
import type { Resource } from '@medplum/fhirtypes';
import { isVitaltwinError } from '@vitaltwin/core';
import { precheckFhirResource } from '../resource-validation.ts';
import { planDocument } from './bundle-import-plan.ts';
import type { ImportItem, ImportUnit } from './import-item.ts';
import { type ImportProblem, problemsOfError } from './import-problem.ts';
import type { ImportSource } from './import-sources.ts';
import { ndjsonLines } from './ndjson-lines.ts';
import { stableId } from './stable-id.ts';

/**
 * Turns import sources into units of work: one per JSON file (parsed whole: a Bundle is one
 * document), and one per `linesPerUnit` lines of an NDJSON file (streamed line by line). A file
 * that cannot be read becomes a unit holding only its problem, so the import moves on.
 */
export async function* sourceUnits(sources: readonly ImportSource[], linesPerUnit: number): AsyncGenerator<ImportUnit> {
  for (const source of sources) {
    if (source.format === 'json') yield await jsonUnit(source);
    else yield* ndjsonUnits(source, linesPerUnit);
  }
}

async function jsonUnit(source: ImportSource): Promise<ImportUnit> {
  let text: string;
  try {
    text = await readFile(source.path, 'utf8');
  } catch (error) {
    return failedUnit(source.name, `cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return failedUnit(source.name, `invalid JSON: ${jsonErrorAt(text, error as Error)}`);
  }
  return planDocument(source.name, document);
}

async function* ndjsonUnits(source: ImportSource, linesPerUnit: number): AsyncGenerator<ImportUnit> {
  let items: ImportItem[] = [];
  let problems: ImportProblem[] = [];
  let read = 0;
  const unit = (endOfFile: boolean): ImportUnit => ({ file: source.name, atomic: false, items, problems, endOfFile, read });
  try {
    for await (const { line, text } of ndjsonLines(source.path)) {
      read++;
      const item = lineItem(source.name, line, text, problems);
      if (item) items.push(item);
      if (read >= linesPerUnit) {
        yield unit(false);
        items = [];
        problems = [];
        read = 0;
      }
    }
  } catch (error) {
    problems.push({
      file: source.name,
      message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    });
  }
  yield unit(true);
}

function lineItem(file: string, line: number, text: string, problems: ImportProblem[]): ImportItem | undefined {
  const location = { kind: 'line', line } as const;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    problems.push({ file, line, message: `invalid JSON: ${jsonErrorAt(text, error as Error)}` });
    return undefined;
  }
  let resource: Resource;
  try {
    resource = precheckFhirResource(raw);
  } catch (error) {
    if (!isVitaltwinError(error)) throw error;
    problems.push(...problemsOfError(file, location, error));
    return undefined;
  }
  const id = stableId(resource.resourceType, resource as unknown as Record<string, unknown>, undefined);
  return { resourceType: resource.resourceType, id, resource: { ...resource, id }, location };
}

function failedUnit(file: string, message: string): ImportUnit {
  return { file, atomic: true, items: [], problems: [{ file, message }], endOfFile: true, read: 0 };
}

/**
 * The parser's message, with the line and column of `position N` when it names one, and without
 * the quoted input V8 adds to some messages (that may be patient data).
 */
function jsonErrorAt(text: string, error: Error): string {
  const message = error.message.replace(/, ".*" is not valid JSON$/s, '');
  const m = /^(.*) in JSON at position (\d+)/.exec(message) ?? /^(.*) at position (\d+)/.exec(message);
  if (!m) return message;
  const position = Number(m[2]);
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `${m[1]} at line ${line} column ${column}`;
}
