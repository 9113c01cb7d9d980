import { VitaltwinError } from '../errors/error-codes.ts';
import type { AlertDetailValue, AlertIntent, AlertKind, RuleOutcome } from './alert-intent.ts';
import { type AlertSeverity, compareSeverity, maxSeverity } from './alert-severity.ts';

/**
 * The alert lifecycle as a pure reducer: open → acknowledged → resolved.
 *
 * - Dedup: a rule firing again with the same key while the alert is open or acknowledged updates
 *   that alert (latest severity, details, occurrence count); it does not create a new one.
 * - Escalation: firing with a severity above the highest severity seen since the alert opened
 *   (`peakSeverity`) escalates it; an acknowledged alert is re-opened, so someone must acknowledge
 *   the worse state. Comparing against the peak rather than the latest severity stops an alert
 *   that flaps (7 → 5 → 7) from re-notifying for a level it already reported.
 * - A firing after resolution opens a new alert (the caller stores it as a new record).
 * - `condition-cleared` (a rule's `clear` outcome) resolves an open or acknowledged alert.
 *
 * Times come from the events; the reducer never reads a clock.
 */

export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

export interface AlertState {
  readonly dedupKey: string;
  readonly patientId: string;
  readonly kind: AlertKind;
  readonly status: AlertStatus;
  /** Severity of the latest firing. */
  readonly severity: AlertSeverity;
  /** Highest severity since the alert opened: the escalation baseline. */
  readonly peakSeverity: AlertSeverity;
  readonly summary: string;
  readonly details: Readonly<Record<string, AlertDetailValue>>;
  readonly deviceId?: string;
  readonly openedAtMs: number;
  readonly lastFiredAtMs: number;
  readonly updatedAtMs: number;
  readonly occurrences: number;
  readonly escalations: number;
  readonly acknowledgedAtMs: number | null;
  readonly acknowledgedBy: string | null;
  readonly resolvedAtMs: number | null;
  readonly resolvedBy: string | null;
  readonly resolution: 'manual' | 'condition-cleared' | null;
}

export type AlertEvent =
  | { readonly type: 'fire'; readonly intent: AlertIntent }
  | { readonly type: 'acknowledge'; readonly atMs: number; readonly by: string }
  | { readonly type: 'resolve'; readonly atMs: number; readonly by: string }
  | { readonly type: 'condition-cleared'; readonly atMs: number };

/** What the reduction did: the runtime notifies on opened/escalated and persists on anything but ignored. */
export type AlertTransition = 'opened' | 'updated' | 'escalated' | 'acknowledged' | 'resolved' | 'ignored';

export interface AlertReduction {
  /** The alert after the event (a new alert on `opened`); unchanged input on `ignored`. */
  readonly state: AlertState | null;
  readonly transition: AlertTransition;
}

function isActive(state: AlertState | null): state is AlertState {
  return state !== null && state.status !== 'resolved';
}

function openAlert(intent: AlertIntent): AlertState {
  return {
    dedupKey: intent.dedupKey,
    patientId: intent.patientId,
    kind: intent.kind,
    status: 'open',
    severity: intent.severity,
    peakSeverity: intent.severity,
    summary: intent.summary,
    details: intent.details,
    ...(intent.deviceId === undefined ? {} : { deviceId: intent.deviceId }),
    openedAtMs: intent.atMs,
    lastFiredAtMs: intent.atMs,
    updatedAtMs: intent.atMs,
    occurrences: 1,
    escalations: 0,
    acknowledgedAtMs: null,
    acknowledgedBy: null,
    resolvedAtMs: null,
    resolvedBy: null,
    resolution: null,
  };
}

function fire(state: AlertState | null, intent: AlertIntent): AlertReduction {
  if (state !== null && state.dedupKey !== intent.dedupKey) {
    throw new VitaltwinError('VT_ERR_INTERNAL', 'alert event applied to an alert with another dedup key', [
      { message: `alert ${state.dedupKey}, intent ${intent.dedupKey}`, expression: 'intent.dedupKey' },
    ]);
  }
  if (!isActive(state)) return { state: openAlert(intent), transition: 'opened' };
  const escalates = compareSeverity(intent.severity, state.peakSeverity) > 0;
  const next: AlertState = {
    ...state,
    status: escalates ? 'open' : state.status,
    severity: intent.severity,
    peakSeverity: maxSeverity(state.peakSeverity, intent.severity),
    summary: intent.summary,
    details: intent.details,
    lastFiredAtMs: Math.max(state.lastFiredAtMs, intent.atMs),
    updatedAtMs: Math.max(state.updatedAtMs, intent.atMs),
    occurrences: state.occurrences + 1,
    escalations: state.escalations + (escalates ? 1 : 0),
  };
  return { state: next, transition: escalates ? 'escalated' : 'updated' };
}

export function reduceAlert(state: AlertState | null, event: AlertEvent): AlertReduction {
  switch (event.type) {
    case 'fire':
      return fire(state, event.intent);
    case 'acknowledge':
      if (state === null || state.status !== 'open') return { state, transition: 'ignored' };
      return {
        state: {
          ...state,
          status: 'acknowledged',
          acknowledgedAtMs: event.atMs,
          acknowledgedBy: event.by,
          updatedAtMs: Math.max(state.updatedAtMs, event.atMs),
        },
        transition: 'acknowledged',
      };
    case 'resolve':
    case 'condition-cleared': {
      if (!isActive(state)) return { state, transition: 'ignored' };
      const manual = event.type === 'resolve';
      return {
        state: {
          ...state,
          status: 'resolved',
          resolvedAtMs: event.atMs,
          resolvedBy: manual ? event.by : null,
          resolution: manual ? 'manual' : 'condition-cleared',
          updatedAtMs: Math.max(state.updatedAtMs, event.atMs),
        },
        transition: 'resolved',
      };
    }
    default:
      return assertNever(event);
  }
}

/** The lifecycle event for a rule outcome, or null when it should leave the alert alone (indeterminate). */
export function eventForOutcome(outcome: RuleOutcome): AlertEvent | null {
  switch (outcome.status) {
    case 'firing':
      return { type: 'fire', intent: outcome.intent };
    case 'clear':
      return { type: 'condition-cleared', atMs: outcome.atMs };
    case 'indeterminate':
      return null;
    default:
      return assertNever(outcome);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}
