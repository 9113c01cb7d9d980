import type { Resource } from '@medplum/fhirtypes';
import { isVitaltwinError } from '@vitaltwin/core';
import { matchesPending } from '../pending-match.ts';
import { ReferenceRewriter } from '../reference-rewriter.ts';
import { isConditionalReference } from '../reference-string.ts';
import { isFhirResourceType } from '../search-parameter-registry.ts';
import { IdentifierRegistry, type RegisteredMatch } from './identifier-registry.ts';
import type { ImportItem, ImportUnit } from './import-item.ts';
import { pathAt } from './import-problem.ts';
import type { ImportTarget } from './import-target.ts';
import { isPlaceholder, placeholderFor } from './placeholder-resource.ts';

/**
 * Identities and references of an import unit, following the transaction rules of FHIR R4
 * (http.html 3.1.0.11.2) with import ids:
 *  - a conditional create (`ifNoneExist`) that matches an existing resource writes nothing, and
 *    references to its fullUrl point at the match; one that matches only a placeholder fills it;
 *  - `urn:uuid:` and other fullUrls become `Type/id` everywhere in the unit (narrative included);
 *  - each conditional reference (`Type?criteria`) must match exactly one resource among the store,
 *    the files read earlier in this run and this unit (R4 3.1.0.11.1). Real resources win over
 *    placeholders. One that matches nothing is an error naming it (`unresolved: 'error'`, the
 *    default), or gets a placeholder (`'placeholder'`, see placeholder-resource.ts).
 */
export type UnresolvedPolicy = 'error' | 'placeholder';

export interface ReferenceStats {
  placeholdersCreated: number;
  placeholdersFilled: number;
}

export class ImportReferences {
  private readonly registry = new IdentifierRegistry();
  /** Conditional references resolved to a real (not placeholder) resource. */
  private readonly resolved = new Map<string, string>();
  readonly stats: ReferenceStats = { placeholdersCreated: 0, placeholdersFilled: 0 };

  constructor(
    private readonly target: Pick<ImportTarget, 'search'>,
    private readonly policy: UnresolvedPolicy,
  ) {}

  /** Decides identities, rewrites references and adds placeholders; problems go into `unit.problems`. */
  async prepare(unit: ImportUnit): Promise<void> {
    for (const item of unit.items) if (item.ifNoneExist !== undefined) await this.conditionalCreate(unit, item);
    const map = new Map<string, string>();
    for (const item of unit.items) if (item.fullUrl !== undefined) map.set(item.fullUrl, `${item.resourceType}/${item.id}`);
    const live = unit.items.filter((i) => i.skip === undefined && !i.failed);
    for (const item of live) this.registry.add(item.resourceType, item.id, item.resource, false);
    const refs = new Map<string, Use[]>();
    for (const item of live) {
      for (const [ref, path] of conditionalReferencePaths(item.resource)) {
        const uses = refs.get(ref);
        if (uses) uses.push({ item, path });
        else refs.set(ref, [{ item, path }]);
      }
    }
    for (const [ref, uses] of refs) {
      const target = await this.resolve(unit, ref, uses);
      if (target !== undefined) map.set(ref, target);
    }
    if (map.size === 0) return;
    const rewriter = new ReferenceRewriter(map);
    for (const item of live) item.resource = rewriter.rewrite(item.resource);
  }

  private async conditionalCreate(unit: ImportUnit, item: ImportItem): Promise<void> {
    const criteria = item.ifNoneExist!;
    const matches = await this.matches(unit, item.resourceType, criteria);
    if (typeof matches === 'string') {
      this.fail(unit, [{ item, path: undefined }], `ifNoneExist ${criteria}: ${matches}`);
      return;
    }
    if (matches.some((m) => m.id === item.id)) return;
    const real = matches.filter((m) => !m.placeholder);
    if (real.length > 1) {
      this.fail(unit, [{ item, path: undefined }], `ifNoneExist ${criteria} matches ${real.length} resources`);
    } else if (real.length === 1) {
      item.id = real[0]!.id;
      item.skip = 'existing';
    } else if (matches.length > 0) {
      item.id = matches.map((m) => m.id).sort(byText)[0]!;
      item.resource = { ...item.resource, id: item.id };
      this.stats.placeholdersFilled++;
    }
  }

  private async resolve(unit: ImportUnit, ref: string, uses: readonly Use[]): Promise<string | undefined> {
    const cached = this.resolved.get(ref);
    if (cached !== undefined) return cached;
    const q = ref.indexOf('?');
    const type = ref.slice(0, q);
    const criteria = ref.slice(q + 1);
    if (!isFhirResourceType(type)) {
      this.fail(unit, uses, `conditional reference ${ref} names an unknown resource type`);
      return undefined;
    }
    const first = uses[0]!;
    const matches = await this.matches(unit, type, criteria);
    if (typeof matches === 'string') {
      this.fail(unit, uses, `conditional reference ${ref}: ${matches}`);
      return undefined;
    }
    const real = matches.filter((m) => !m.placeholder);
    if (real.length === 1) {
      this.resolved.set(ref, `${type}/${real[0]!.id}`);
      return `${type}/${real[0]!.id}`;
    }
    if (real.length > 1) {
      this.fail(unit, uses, `conditional reference ${ref} matches ${real.length} resources`);
      return undefined;
    }
    if (matches.length > 0) return `${type}/${matches.map((m) => m.id).sort(byText)[0]}`;
    const placeholder = this.policy === 'placeholder' ? placeholderFor(type, criteria) : undefined;
    if (placeholder === undefined) {
      const hint =
        this.policy === 'placeholder'
          ? 'placeholders are made only for identifier=system|value criteria'
          : 'import the file that holds it first (or in the same run), or let the import create placeholders (--unresolved=placeholder)';
      this.fail(unit, uses, `conditional reference ${ref} matches no resource; ${hint}`);
      return undefined;
    }
    unit.items.push({ resourceType: type, id: placeholder.id, resource: placeholder, location: first.item.location, placeholder: true });
    this.registry.add(type, placeholder.id, placeholder, true);
    this.stats.placeholdersCreated++;
    return `${type}/${placeholder.id}`;
  }

  /**
   * Marks the items failed and reports the problem: once for an all-or-nothing unit (the file fails
   * anyway), once per item otherwise (each NDJSON line is on its own).
   */
  private fail(unit: ImportUnit, uses: readonly { item: ImportItem; path: string | undefined }[], message: string): void {
    for (const [i, { item, path }] of uses.entries()) {
      item.failed = true;
      if (unit.atomic && i > 0) continue;
      const at = pathAt(item.location, path === undefined ? undefined : `${item.resourceType}.${path}`);
      unit.problems.push({
        file: unit.file,
        ...(item.location.kind === 'line' ? { line: item.location.line } : {}),
        ...(at !== undefined ? { path: at } : {}),
        message,
      });
    }
  }

  /** Matches among the store, earlier files of the run and this unit; a message when the search failed. */
  private async matches(unit: ImportUnit, type: string, criteria: string): Promise<RegisteredMatch[] | string> {
    const found = new Map<string, boolean>();
    const add = (id: string, placeholder: boolean) => found.set(id, (found.get(id) ?? true) && placeholder);
    const registered = this.registry.find(type, criteria);
    if (registered !== undefined) for (const m of registered) add(m.id, m.placeholder);
    else {
      for (const item of unit.items) {
        if (item.resourceType === type && item.skip === undefined && !item.failed && matchesPending(item.resource, criteria) === true)
          add(item.id, item.placeholder === true);
      }
    }
    try {
      for (const r of await this.target.search(type, criteria)) if (r.id) add(r.id, isPlaceholder(r));
    } catch (error) {
      if (!isVitaltwinError(error)) throw error;
      return error.message;
    }
    return [...found].map(([id, placeholder]) => ({ id, placeholder }));
  }
}

interface Use {
  readonly item: ImportItem;
  /** JSON path of the reference inside the resource. */
  readonly path: string;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Each distinct conditional reference in `resource` with the JSON path of its first occurrence. */
export function conditionalReferencePaths(resource: Resource): Map<string, string> {
  const out = new Map<string, string>();
  // The path is kept as a stack and joined only for a hit: most resources have none.
  const stack: (string | number)[] = [];
  const joined = () =>
    stack
      .map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`))
      .join('')
      .slice(1);
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        stack.push(i);
        walk(value[i]);
        stack.pop();
      }
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const key in value) {
      const v = (value as Record<string, unknown>)[key];
      if (typeof v === 'string') {
        if (key === 'reference' && !out.has(v) && isConditionalReference(v)) {
          stack.push(key);
          out.set(v, joined());
          stack.pop();
        }
      } else if (typeof v === 'object' && v !== null) {
        stack.push(key);
        walk(v);
        stack.pop();
      }
    }
  };
  walk(resource);
  return out;
}
