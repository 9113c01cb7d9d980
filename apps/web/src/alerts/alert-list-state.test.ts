import { describe, expect, it } from 'vitest';
import type { AlertView } from '../api/api-types.ts';
import { applyAlertChange } from './alert-list-state.ts';

const a = (id: string, status: AlertView['status'], openedAt: string) => ({ id, status, openedAt }) as AlertView;

describe('alert inbox list under alert events', () => {
  it('adds a new open alert in newest-first order, and drops it from "open" once acknowledged', () => {
    const list = [a('a2', 'open', '2026-01-01T10:00:00Z'), a('a1', 'open', '2026-01-01T09:00:00Z')];
    const withNew = applyAlertChange(list, a('a3', 'open', '2026-01-01T09:30:00Z'), 'open');
    expect(withNew.map((x) => x.id)).toEqual(['a2', 'a3', 'a1']);
    expect(applyAlertChange(withNew, a('a3', 'acknowledged', '2026-01-01T09:30:00Z'), 'open').map((x) => x.id)).toEqual(['a2', 'a1']);
  });

  it('keeps an acknowledged alert in "active" and replaces it in place', () => {
    const list = [a('a1', 'open', '2026-01-01T09:00:00Z')];
    const next = applyAlertChange(list, a('a1', 'acknowledged', '2026-01-01T09:00:00Z'), 'active');
    expect(next.map((x) => [x.id, x.status])).toEqual([['a1', 'acknowledged']]);
    expect(applyAlertChange(next, a('a1', 'resolved', '2026-01-01T09:00:00Z'), 'active')).toEqual([]);
  });
});
