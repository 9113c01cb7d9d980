import type { TypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import type { ResourceSearchModel } from './search-parameter-registry.ts';

/**
 * Skips the compiled index walks that cannot select anything from a resource. Most of a model's
 * branches start at a top-level element the resource does not have (an Observation has about 10
 * of the 40 its branches read); CompiledIndexPath.topLevelKeys lists, per branch, the keys
 * without which its walk selects nothing, so one pass over the resource's own keys tells which
 * walks to run. (A key counts when enumerable, own or inherited, as every key of parsed JSON is;
 * the walks also see non-enumerable inherited ones, but no FHIR element is named like an
 * Object.prototype member.)
 */

/** Per model: the branches each top-level key can make a walk select from, and those to run anyway. */
interface WalkPlan {
  readonly byKey: ReadonlyMap<string, readonly number[]>;
  readonly always: readonly number[];
}
const walkPlans = new WeakMap<ResourceSearchModel, WalkPlan>();

function walkPlan(model: ResourceSearchModel): WalkPlan {
  let plan = walkPlans.get(model);
  if (!plan) {
    const byKey = new Map<string, number[]>();
    const always: number[] = [];
    model.paths.forEach((path, i) => {
      if (!path.walker || !path.walkerKeys) always.push(i);
      else for (const key of path.walkerKeys) byKey.set(key, [...(byKey.get(key) ?? []), i]);
    });
    plan = { byKey, always };
    walkPlans.set(model, plan);
  }
  return plan;
}

/**
 * Which branches can select anything from this resource: most of a model's branches start at a
 * top-level element the resource does not have, and their walks would select nothing
 * (CompiledIndexPath.topLevelKeys says when). Undefined: run them all.
 */
export function walksNeeded(resource: Resource, root: TypedValue, model: ResourceSearchModel): Uint8Array | undefined {
  if (root.type !== model.resourceType || resource.resourceType !== model.resourceType) return undefined;
  const plan = walkPlan(model);
  const needed = new Uint8Array(model.paths.length);
  for (const i of plan.always) needed[i] = 1;
  for (const key in resource) {
    const paths = plan.byKey.get(key);
    if (paths) for (const i of paths) needed[i] = 1;
  }
  return needed;
}
