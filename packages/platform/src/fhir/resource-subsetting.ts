import { tryGetDataType } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import type { SummaryMode } from './search-request.ts';

/**
 * `_summary` and `_elements` (R4 search 3.1.1.5.6-7): return only part of each resource, marked
 * with the SUBSETTED tag (http://terminology.hl7.org/CodeSystem/v3-ObservationValue) so nobody
 * mistakes it for the whole. `_summary=true` keeps the elements the StructureDefinition flags
 * isSummary; `text` keeps text, id, meta and mandatory elements; `data` drops the narrative.
 */
const subsettedTag = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };
const alwaysKept = new Set(['resourceType', 'id', 'meta']);

export function subsetResource(resource: Resource, summary?: SummaryMode, elements?: readonly string[]): Resource {
  if ((summary === undefined || summary === 'false' || summary === 'count') && !elements) return resource;
  const source = resource as unknown as Record<string, unknown>;
  const schema = tryGetDataType(resource.resourceType);
  let keep: (key: string) => boolean;
  if (elements && elements.length > 0) {
    const wanted = new Set(elements.map((e) => e.replace(new RegExp(`^${resource.resourceType}\\.`), '').split('.')[0]!));
    keep = (key) => alwaysKept.has(key) || wanted.has(key) || wanted.has(choiceBase(key));
  } else if (summary === 'true') {
    const props = schema?.summaryProperties;
    keep = (key) => alwaysKept.has(key) || props === undefined || props.has(key) || props.has(choiceBase(key));
  } else if (summary === 'text') {
    const mandatory = schema?.mandatoryProperties;
    keep = (key) => alwaysKept.has(key) || key === 'text' || mandatory?.has(key) === true || mandatory?.has(choiceBase(key)) === true;
  } else if (summary === 'data') {
    keep = (key) => key !== 'text';
  } else return resource;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) if (keep(key)) out[key] = value;
  const meta = (out['meta'] ?? {}) as { tag?: unknown[] };
  out['meta'] = { ...meta, tag: [...(meta.tag ?? []), subsettedTag] };
  return out as unknown as Resource;
}

/** `valueQuantity` -> `value[x]`'s base name `value`, as summary sets name choice elements. */
function choiceBase(key: string): string {
  const m = /^([a-z][A-Za-z]*?)[A-Z]/.exec(key);
  return m ? `${m[1]}[x]` : key;
}
