import { type IdentifierCriteria, identifierCriteria } from './identifier-criteria.ts';

/**
 * The business identifiers (`Resource.identifier`) of every resource an import run has read so
 * far, so conditional references and conditional creates in later files resolve to resources of
 * earlier files before those are committed (the import pipeline reads ahead of its writes).
 */
export interface RegisteredMatch {
  readonly id: string;
  readonly placeholder: boolean;
}

export class IdentifierRegistry {
  private readonly byKey = new Map<string, Map<string, boolean>>();

  add(resourceType: string, id: string, resource: object, placeholder: boolean): void {
    const identifier = (resource as { identifier?: unknown }).identifier;
    const identifiers = Array.isArray(identifier) ? identifier : [];
    for (const identifier of identifiers) {
      const { system, value } = (identifier ?? {}) as { system?: unknown; value?: unknown };
      if (typeof value !== 'string') continue;
      this.put(`${resourceType}|${typeof system === 'string' ? system : ''}|${value}`, id, placeholder);
      this.put(`${resourceType}|*|${value}`, id, placeholder);
    }
  }

  /** Resources read so far whose identifiers match `criteria`; undefined when the criteria are not identifier-only. */
  find(resourceType: string, criteria: string): RegisteredMatch[] | undefined {
    const parsed = identifierCriteria(criteria);
    return parsed === undefined ? undefined : this.findIdentifier(resourceType, parsed);
  }

  findIdentifier(resourceType: string, c: IdentifierCriteria): RegisteredMatch[] {
    const found = this.byKey.get(`${resourceType}|${c.system ?? '*'}|${c.value}`);
    return found ? [...found].map(([id, placeholder]) => ({ id, placeholder })) : [];
  }

  private put(key: string, id: string, placeholder: boolean): void {
    let ids = this.byKey.get(key);
    if (!ids) {
      ids = new Map();
      this.byKey.set(key, ids);
    }
    // A real resource that takes a placeholder's id replaces it.
    ids.set(id, (ids.get(id) ?? true) && placeholder);
  }
}
