import { type AlertSeverity, alertSeverities } from '@vitaltwin/core';
import { alertSeverityExtension } from './alert-communication.ts';

/**
 * FHIR R4 Subscription `criteria` (a search URL, http://hl7.org/fhir/R4/subscription.html) as the
 * monitoring runtime evaluates it against the resources it produces:
 *
 * - `Observation?...` matches the early-warning score Observations the monitor stores. Parameters:
 *   `code` (token: `system|code`, `|code` or `code`), `category`, `status`, `patient` / `subject`.
 *   e.g. `Observation?code=http://snomed.info/sct|1104051000000101&patient=p1` (NEWS2 total).
 * - `Communication?category=alert` matches alert notifications: each alert change that opens,
 *   escalates, acknowledges or resolves an alert becomes an R4 Communication (alert-communication.ts).
 *   `category=alert` is required; also `patient` / `subject`, and `severity` (a Vitaltwin search
 *   parameter: one or more of info, low, medium, high, critical).
 *
 * A comma separates alternatives (OR); repeating a parameter requires both (AND). Anything else is
 * refused with a reason, which the registry records on the Subscription (status `error`).
 */
export interface MatchableResource {
  readonly resourceType: string;
  readonly [key: string]: unknown;
}

export type CriteriaParse =
  | { readonly ok: true; readonly resourceType: string; matches(resource: MatchableResource): boolean }
  | { readonly ok: false; readonly error: string };

interface Coding {
  readonly system?: string;
  readonly code?: string;
}
interface Concept {
  readonly coding?: readonly Coding[];
}
type Test = (r: MatchableResource) => boolean;

const communicationCategorySystem = 'http://terminology.hl7.org/CodeSystem/communication-category';

export function parseCriteria(criteria: string): CriteriaParse {
  const q = criteria.indexOf('?');
  const resourceType = (q < 0 ? criteria : criteria.slice(0, q)).trim();
  const params = new URLSearchParams(q < 0 ? '' : criteria.slice(q + 1));
  if (resourceType !== 'Observation' && resourceType !== 'Communication') {
    return { ok: false, error: `criteria resource type ${resourceType || '(none)'} is not supported; use Observation or Communication` };
  }
  const tests: Test[] = [];
  let alertCategory = false;
  for (const [name, raw] of params) {
    const values = raw
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
    if (values.length === 0) return { ok: false, error: `criteria parameter ${name} has no value` };
    switch (name) {
      case 'code':
        if (resourceType !== 'Observation') return unsupported(name, resourceType);
        tests.push((r) => values.some((v) => conceptMatches(r.code as Concept | undefined, v)));
        break;
      case 'category':
        if (resourceType === 'Communication') {
          if (!values.every((v) => tokenMatches({ system: communicationCategorySystem, code: 'alert' }, v))) {
            return { ok: false, error: 'Communication criteria must have category=alert' };
          }
          alertCategory = true;
        }
        tests.push((r) => values.some((v) => ((r.category as Concept[] | undefined) ?? []).some((c) => conceptMatches(c, v))));
        break;
      case 'status':
        tests.push((r) => values.includes(String(r.status)));
        break;
      case 'patient':
      case 'subject': {
        const refs = values.map((v) => (v.startsWith('Patient/') ? v : `Patient/${v}`));
        tests.push((r) => refs.includes(String((r.subject as { reference?: string } | undefined)?.reference)));
        break;
      }
      case 'severity': {
        if (resourceType !== 'Communication') return unsupported(name, resourceType);
        const bad = values.filter((v) => !(alertSeverities as readonly string[]).includes(v));
        if (bad.length > 0) return { ok: false, error: `unknown severity ${bad.join(', ')}; use ${alertSeverities.join(', ')}` };
        tests.push((r) => values.includes(severityOf(r) ?? ''));
        break;
      }
      default:
        return unsupported(name, resourceType);
    }
  }
  if (resourceType === 'Communication' && !alertCategory) return { ok: false, error: 'Communication criteria must have category=alert' };
  return { ok: true, resourceType, matches: (r) => r.resourceType === resourceType && tests.every((t) => t(r)) };
}

function unsupported(name: string, resourceType: string): CriteriaParse {
  return { ok: false, error: `criteria parameter ${name} is not supported for ${resourceType}` };
}

/** FHIR token search: `system|code`, `|code` (no system) or `code` (any system). */
function tokenMatches(coding: Coding, token: string): boolean {
  const bar = token.indexOf('|');
  if (bar < 0) return coding.code === token;
  const system = token.slice(0, bar);
  const code = token.slice(bar + 1);
  if (code !== '' && coding.code !== code) return false;
  return system === '' ? coding.system === undefined : coding.system === system;
}

function conceptMatches(concept: Concept | undefined, token: string): boolean {
  return (concept?.coding ?? []).some((c) => tokenMatches(c, token));
}

function severityOf(r: MatchableResource): AlertSeverity | undefined {
  const ext = (r.extension as { url?: string; valueCode?: string }[] | undefined)?.find((e) => e.url === alertSeverityExtension);
  return ext?.valueCode as AlertSeverity | undefined;
}
