import { readdirSync, readFileSync } from 'node:fs';

/**
 * The 16 Synthea bundles of the shared data folder as plain resources ready for the repository's
 * batch path: bundle-local references (urn:uuid fullUrls) and Synthea v3's conditional
 * references to practitioners and organizations are replaced by `Type/id`, with one stub resource
 * added per conditional target (those live in Synthea's separate hospital/practitioner files).
 * `suffix` makes every id unique so the set can be loaded several times into one database.
 */
type Json = Record<string, unknown>;
const dir = new URL('../../shared/data/synthea/', import.meta.url);

function rawBundles(): { entry: { fullUrl?: string; resource: Json }[] }[] {
  const out = [];
  for (const folder of ['pathling', 'smart-generated-sample-data']) {
    const sub = new URL(`${folder}/`, dir);
    for (const file of readdirSync(sub)
      .filter((f) => f.endsWith('.json'))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      out.push(JSON.parse(readFileSync(new URL(file, sub), 'utf8')));
    }
  }
  return out;
}

export function syntheaResources(suffix = ''): Json[] {
  const resources: Json[] = [];
  const refs = new Map<string, string>();
  const seen = new Set<string>();
  for (const bundle of rawBundles()) {
    for (const e of bundle.entry) {
      const type = e.resource['resourceType'] as string;
      const id = `${e.resource['id'] as string}${suffix}`;
      if (e.fullUrl) refs.set(e.fullUrl, `${type}/${id}`);
      if (seen.has(`${type}/${id}`)) continue;
      seen.add(`${type}/${id}`);
      resources.push({ ...e.resource, id });
    }
  }
  let text = JSON.stringify(resources);
  const stubs: Json[] = [];
  for (const m of new Set(text.match(/"(?:Practitioner|Organization)\?identifier=[^"]+"/g) ?? [])) {
    const ref = m.slice(1, -1);
    const [type, query] = ref.split('?') as [string, string];
    const [system, value] = query.slice('identifier='.length).split('|') as [string, string];
    const id = `stub-${stubs.length}${suffix}`;
    stubs.push(
      type === 'Practitioner'
        ? { resourceType: type, id, identifier: [{ system, value }], name: [{ family: 'Stub' }] }
        : { resourceType: type, id, identifier: [{ system, value }], name: 'Stub' },
    );
    refs.set(ref, `${type}/${id}`);
  }
  text = text.replace(/"reference":"([^"]+)"/g, (whole, ref: string) => {
    const target = refs.get(ref);
    return target ? `"reference":"${target}"` : whole;
  });
  return [...stubs, ...(JSON.parse(text) as Json[])];
}
