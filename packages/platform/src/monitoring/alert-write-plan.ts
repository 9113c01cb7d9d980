import { type AlertEvent, type AlertState, type AlertTransition, reduceAlert } from '@vitaltwin/core';
import type { AlertRecord } from './alert-record.ts';

/**
 * Turns the lifecycle events of one dedup key into row writes: the reducer runs over the stored
 * alert (or none) event by event; every `opened` starts a new row (after writing the row it
 * replaces, if that changed). Several events on one row become one write that reports the most
 * significant transition. Pure, so the store's batch path and its retry path plan the same way.
 */
export interface AlertWrite {
  readonly kind: 'insert' | 'update';
  /** The stored row an update replaces (null for inserts). */
  readonly previous: AlertRecord | null;
  readonly next: AlertState;
  readonly transition: Exclude<AlertTransition, 'ignored'>;
  /** Set by manual acknowledge/resolve; undefined keeps the stored note. */
  readonly acknowledgeNote?: string | null;
  readonly resolveNote?: string | null;
}

type Transition = AlertWrite['transition'];

// Which transition one write reports when several events land on the same row within a batch.
const rank: Readonly<Record<Transition, number>> = { updated: 0, acknowledged: 1, escalated: 2, resolved: 3, opened: 4 };

export function planAlertWrites(current: AlertRecord | null, events: readonly AlertEvent[], updateRefreshMs: number): AlertWrite[] {
  const writes: AlertWrite[] = [];
  let base: AlertRecord | null = current;
  let state: AlertState | null = current;
  let transition: Transition | null = null;
  const flush = () => {
    if (transition === null || state === null) return;
    if (base === null) writes.push({ kind: 'insert', previous: null, next: state, transition });
    else if (transition !== 'updated' || materialUpdate(base, state, updateRefreshMs)) {
      writes.push({ kind: 'update', previous: base, next: state, transition });
    }
  };
  for (const event of events) {
    const reduced = reduceAlert(state, event);
    if (reduced.transition === 'ignored' || reduced.state === null) continue;
    if (reduced.transition === 'opened') {
      flush();
      base = null;
      transition = 'opened';
    } else {
      transition = transition === null || rank[reduced.transition] > rank[transition] ? reduced.transition : transition;
    }
    state = reduced.state;
  }
  flush();
  return writes;
}

/** Whether a plain re-firing changes what a clinician sees, or the stored firing time is due a refresh. */
function materialUpdate(stored: AlertRecord, next: AlertState, updateRefreshMs: number): boolean {
  return (
    stored.severity !== next.severity ||
    stored.summary !== next.summary ||
    stored.deviceId !== next.deviceId ||
    !sameDetails(stored.details, next.details) ||
    next.lastFiredAtMs - stored.lastFiredAtMs >= updateRefreshMs
  );
}

/** Details are flat maps of scalars; jsonb does not keep key order, so compare key by key. */
function sameDetails(a: AlertState['details'], b: AlertState['details']): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}
