import type { AlertStatus, AlertView } from '../api/api-types.ts';

/**
 * The alert inbox's list: alerts shown for a status filter, kept current by alert events. An alert
 * that changes into the filter joins the list, one that leaves it goes; order is newest opened
 * first, as GET /alerts returns them.
 */
export type StatusFilter = 'open' | 'acknowledged' | 'resolved' | 'active';

export function statusesOf(filter: StatusFilter): readonly AlertStatus[] {
  switch (filter) {
    case 'open':
      return ['open'];
    case 'acknowledged':
      return ['acknowledged'];
    case 'resolved':
      return ['resolved'];
    case 'active':
      return ['open', 'acknowledged'];
    default:
      return assertNever(filter);
  }
}

export function applyAlertChange(list: readonly AlertView[], changed: AlertView, filter: StatusFilter): AlertView[] {
  const keep = statusesOf(filter).includes(changed.status);
  const rest = list.filter((a) => a.id !== changed.id);
  if (!keep) return rest;
  return [...rest, changed].sort((a, b) => b.openedAt.localeCompare(a.openedAt) || b.id.localeCompare(a.id));
}

function assertNever(value: never): never {
  throw new Error(`unexpected filter ${String(value)}`);
}
