import type { Subscription } from '@medplum/fhirtypes';
import type { Logger } from '@vitaltwin/core';
import type { SqlQueryable } from '../store/sql-client.ts';
import type { FhirResourceSink, IdentifiedResource } from './fhir-resource-sink.ts';
import type { DeliveryOutcome, RestHookTarget } from './rest-hook-delivery.ts';
import { type MatchableResource, parseCriteria } from './subscription-criteria.ts';

/**
 * The FHIR R4 Subscriptions the monitoring runtime delivers to, read from the FHIR store and kept
 * in memory (re-read every `refreshMs`, default 10 s, or on `refresh()`).
 * - `requested` Subscriptions with a supported channel and criteria become `active`; ones the
 *   server cannot serve become `error` with the reason in `Subscription.error` (R4 §2.46.7: the
 *   server sets status). Supported: `channel.type` rest-hook, an http(s) `channel.endpoint`,
 *   `channel.payload` absent (empty notification) or application/fhir+json / application/json,
 *   criteria as subscription-criteria.ts describes.
 * - A Subscription past its `end` is set `off`.
 * - After a notification finally fails, the Subscription becomes `error` with the last error;
 *   delivery goes on for later notifications, and the first success sets it `active` again.
 * Status writes go through the FHIR sink (a new version of the Subscription), one at a time,
 * and only when status or reason change.
 */
export interface RegisteredSubscription {
  readonly id: string;
  readonly resourceType: string;
  readonly matches: (resource: MatchableResource) => boolean;
  readonly target: RestHookTarget;
}

interface Known {
  status: string;
  reason: string | null;
  entry: RegisteredSubscription | null;
}

export interface SubscriptionRegistryOptions {
  readonly nowMs?: () => number;
  readonly refreshMs?: number;
  readonly logger?: Logger;
}

const jsonPayloads = new Set(['application/fhir+json', 'application/json']);

export class SubscriptionRegistry {
  private known = new Map<string, Known>();
  private byType = new Map<string, RegisteredSubscription[]>();
  private writes: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly nowMs: () => number;

  constructor(
    private readonly db: SqlQueryable,
    private readonly sink: FhirResourceSink,
    private readonly options: SubscriptionRegistryOptions = {},
  ) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** Subscriptions whose criteria name this resource type (from memory; never waits). */
  subscriptionsFor(resourceType: string): readonly RegisteredSubscription[] {
    return this.byType.get(resourceType) ?? [];
  }

  start(): void {
    this.timer ??= setInterval(() => {
      this.refresh().catch((error: unknown) => this.options.logger?.warn({ err: error }, 'reading Subscriptions failed'));
    }, this.options.refreshMs ?? 10_000);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.writes;
  }

  private refreshing: Promise<void> | null = null;
  private again = false;

  /**
   * Re-reads the Subscriptions and settles the status of new or changed ones. Calls during a
   * refresh coalesce into one more refresh after it (so a write is never missed, nor read twice).
   */
  async refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.again = false;
          await this.load();
          // Status writes queued by this pass land before the next pass reads.
          await this.writes;
        } while (this.again);
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  private async load(): Promise<void> {
    const rows = await this.db.query<{ id: string; content: Subscription | string }>(
      `SELECT id, content FROM fhir_resource WHERE resource_type = 'Subscription' AND NOT deleted`,
    );
    const known = new Map<string, Known>();
    const byType = new Map<string, RegisteredSubscription[]>();
    for (const row of rows) {
      const sub = (typeof row.content === 'string' ? JSON.parse(row.content) : row.content) as Subscription;
      const checked = this.check(row.id, sub);
      const status = checked.status ?? sub.status;
      known.set(row.id, {
        status,
        reason: checked.status === 'error' ? checked.reason : (this.known.get(row.id)?.reason ?? null),
        entry: checked.entry,
      });
      if (checked.entry && status !== 'off') {
        const list = byType.get(checked.entry.resourceType);
        if (list) list.push(checked.entry);
        else byType.set(checked.entry.resourceType, [checked.entry]);
      }
      if (checked.status !== undefined && checked.status !== sub.status) this.queueStatus(row.id, checked.status, checked.reason);
    }
    this.known = known;
    this.byType = byType;
  }

  /** Records a delivery outcome on the Subscription (see the class comment). */
  recordOutcome(target: RestHookTarget, outcome: DeliveryOutcome): void {
    const k = this.known.get(target.subscriptionId);
    if (!k || k.status === 'off') return;
    if (outcome.ok) {
      if (k.status !== 'active') this.queueStatus(target.subscriptionId, 'active', null);
      k.status = 'active';
      k.reason = null;
      return;
    }
    const reason = `rest-hook delivery failed after ${outcome.attempts} attempt${outcome.attempts === 1 ? '' : 's'}: ${outcome.error}`;
    if (k.status === 'error' && k.reason === reason) return;
    k.status = 'error';
    k.reason = reason;
    this.queueStatus(target.subscriptionId, 'error', `${reason} (${new Date(this.nowMs()).toISOString()})`);
  }

  /** Resolves when queued status writes are done. */
  async settled(): Promise<void> {
    await this.writes;
  }

  private check(
    id: string,
    sub: Subscription,
  ): { status?: Subscription['status']; reason: string | null; entry: RegisteredSubscription | null } {
    if (sub.status === 'off') return { reason: null, entry: null };
    if (sub.end !== undefined && Date.parse(sub.end) <= this.nowMs()) return { status: 'off', reason: null, entry: null };
    const problem = (reason: string) => ({ status: 'error' as const, reason, entry: null });
    if (sub.channel?.type !== 'rest-hook') return problem(`channel type ${sub.channel?.type ?? '(none)'} is not supported; use rest-hook`);
    const endpoint = sub.channel.endpoint ?? '';
    if (!/^https?:\/\/[^\s]+$/.test(endpoint)) return problem('channel.endpoint must be an http or https URL');
    const payload = sub.channel.payload?.split(';')[0]?.trim() || null;
    if (payload !== null && !jsonPayloads.has(payload))
      return problem(`channel.payload ${payload} is not supported; use application/fhir+json or leave it out`);
    const parsed = parseCriteria(sub.criteria ?? '');
    if (!parsed.ok) return problem(parsed.error);
    const headers = (sub.channel.header ?? []).flatMap((line): [string, string][] => {
      const colon = line.indexOf(':');
      return colon > 0 ? [[line.slice(0, colon).trim(), line.slice(colon + 1).trim()]] : [];
    });
    const entry: RegisteredSubscription = {
      id,
      resourceType: parsed.resourceType,
      matches: parsed.matches,
      target: { subscriptionId: id, endpoint, headers, payload },
    };
    // A requested Subscription is accepted; active and error ones keep their status (error is
    // cleared by the next successful delivery).
    return { ...(sub.status === 'requested' ? { status: 'active' as const } : {}), reason: null, entry };
  }

  private queueStatus(id: string, status: NonNullable<Subscription['status']>, error: string | null): void {
    this.writes = this.writes
      .then(async () => {
        const rows = await this.db.query<{ content: Subscription | string }>(
          `SELECT content FROM fhir_resource WHERE resource_type = 'Subscription' AND id = $1 AND NOT deleted`,
          [id],
        );
        const row = rows[0];
        if (row === undefined) return;
        const current = (typeof row.content === 'string' ? JSON.parse(row.content) : row.content) as Subscription;
        const { error: _previous, meta: _meta, ...rest } = current;
        const next = { ...rest, id, status, ...(error === null ? {} : { error }) } as IdentifiedResource;
        await this.sink.upsert([next]);
      })
      .catch((error: unknown) => this.options.logger?.warn({ err: error, subscription: id }, 'recording Subscription status failed'));
  }
}
