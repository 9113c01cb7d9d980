import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { VitaltwinError } from '@vitaltwin/core';

/**
 * The files an import reads, from the paths the user named: files as given, folders searched
 * recursively for `.json`, `.ndjson` and `.ndjson.gz`. Synthea writes the organizations and
 * practitioners its patient bundles reference conditionally into separate
 * `hospitalInformation*.json` and `practitionerInformation*.json` files and loads those first
 * (Synthea wiki, "HL7 FHIR" exporter notes); so do we, then everything else in path order.
 */
export type ImportFormat = 'json' | 'ndjson';

export interface ImportSource {
  readonly path: string;
  /** How the file is named in messages: relative to `baseDir` when inside it. */
  readonly name: string;
  readonly format: ImportFormat;
}

export function importFormatOf(path: string): ImportFormat | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.ndjson') || lower.endsWith('.ndjson.gz')) return 'ndjson';
  if (lower.endsWith('.json')) return 'json';
  return undefined;
}

const loadsFirst = (path: string) => /^(hospitalInformation|practitionerInformation)/.test(basename(path));

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Expands `paths`; throws VT_ERR_INVALID_INPUT naming a path that does not exist or holds nothing to import. */
export async function findImportSources(paths: readonly string[], baseDir: string): Promise<ImportSource[]> {
  const found = new Set<string>();
  for (const given of paths) {
    const path = resolve(baseDir, given);
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new VitaltwinError('VT_ERR_INVALID_INPUT', `no such file or folder: ${given}`);
    if (info.isDirectory()) {
      const before = found.size;
      for (const file of await walk(path)) found.add(file);
      if (found.size === before) throw new VitaltwinError('VT_ERR_INVALID_INPUT', `${given} holds no .json, .ndjson or .ndjson.gz files`);
    } else if (importFormatOf(path) === undefined) {
      throw new VitaltwinError('VT_ERR_INVALID_INPUT', `${given}: only .json, .ndjson and .ndjson.gz files are imported`);
    } else found.add(path);
  }
  const files = [...found].sort((a, b) => Number(loadsFirst(b)) - Number(loadsFirst(a)) || byName(a, b));
  return files.map((path) => {
    const rel = relative(baseDir, path);
    return { path, name: rel === '' || rel.startsWith(`..${sep}`) || rel === '..' ? path : rel, format: importFormatOf(path)! };
  });
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => byName(a.name, b.name))) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (entry.isFile() && importFormatOf(path) !== undefined) out.push(path);
  }
  return out;
}
