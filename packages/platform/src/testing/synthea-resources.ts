import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shared Synthea data beside the project root (../shared/data/synthea: 16 bundles in two folders). */
export const syntheaDataDir = fileURLToPath(new URL('../../../../../shared/data/synthea/', import.meta.url));

/** Every resource of the 16 shared Synthea bundles, in file and entry order (for property tests). */
export function syntheaResources(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const folder of ['pathling', 'smart-generated-sample-data']) {
    for (const file of readdirSync(`${syntheaDataDir}${folder}`).filter((f) => f.endsWith('.json'))) {
      const bundle = JSON.parse(readFileSync(`${syntheaDataDir}${folder}/${file}`, 'utf8')) as {
        entry: { resource: Record<string, unknown> }[];
      };
      for (const e of bundle.entry) out.push(e.resource);
    }
  }
  return out;
}
