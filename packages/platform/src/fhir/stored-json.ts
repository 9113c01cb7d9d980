import type { Resource } from '@medplum/fhirtypes';

/**
 * A FHIR document as the store keeps it: JSON text (migration 011), served to clients as it is.
 * The writer stores `presentable` documents (resourceType, id and meta first, FHIR R4 json.html),
 * so the stored text is already the text to send; only a document written otherwise (through
 * jsonb operators, before migration 011 rewrote it) is parsed and put in that order on the way out.
 */
export class StoredJson {
  private parsed: Resource | undefined;

  private constructor(
    readonly resourceType: string,
    readonly id: string,
    readonly text: string,
  ) {}

  /** From the text of a `content` column (`content::text`) and the row's type and id. */
  static fromColumn(resourceType: string, id: string, text: string): StoredJson {
    const ordered = text.startsWith('{"resourceType":') ? text : JSON.stringify(presentable(JSON.parse(text) as Resource));
    return new StoredJson(resourceType, id, ordered);
  }

  static fromResource(resource: Resource): StoredJson {
    const json = new StoredJson(resource.resourceType, resource.id ?? '', JSON.stringify(resource));
    json.parsed = resource;
    return json;
  }

  /** The document as an object, parsed on first use. */
  get resource(): Resource {
    this.parsed ??= JSON.parse(this.text) as Resource;
    return this.parsed;
  }
}

/**
 * A document with resourceType, id and meta first, as FHIR JSON (R4 json.html) leads with them;
 * documents built by jsonb operators, or stored as jsonb before migration 011, have their keys in
 * jsonb's order (shortest first, resourceType last).
 */
export function presentable<T extends Resource>(resource: T): T {
  const { resourceType, id, meta, ...rest } = resource;
  return { resourceType, ...(id !== undefined ? { id } : {}), ...(meta ? { meta } : {}), ...rest } as T;
}
