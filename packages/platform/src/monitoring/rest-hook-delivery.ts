import type { Logger } from '@vitaltwin/core';

/**
 * Delivery of FHIR R4 rest-hook notifications (http://hl7.org/fhir/R4/subscription.html#2.46.7.1):
 * an HTTP POST to `channel.endpoint` with the `channel.header` lines, carrying the resource when
 * `channel.payload` names a MIME type, and no body otherwise. Queued, never awaited by producers:
 * - bounded: at most `maxQueue` notifications waiting, retrying or in flight; beyond that new
 *   ones are dropped and counted (the producer is never slowed down);
 * - `concurrency` POSTs at a time, each with a `timeoutMs` limit;
 * - retries on network errors, timeouts, 408, 429 and 5xx, after exponential backoff
 *   `baseDelayMs · 2^(attempt−1)` capped at `maxDelayMs`, with "equal jitter" (half fixed, half
 *   random) so receivers that come back are not hit by every sender at once; a `Retry-After` in
 *   seconds is honoured up to the cap. Other 4xx answers are permanent failures.
 * The outcome of each notification (delivered, or failed with the last error) goes to `onOutcome`,
 * which records it on the Subscription.
 */
export interface RestHookTarget {
  readonly subscriptionId: string;
  readonly endpoint: string;
  /** `channel.header` entries split at the first colon. */
  readonly headers: readonly (readonly [string, string])[];
  /** `channel.payload` MIME type, or null for an empty notification. */
  readonly payload: string | null;
}

export type DeliveryOutcome =
  | { readonly ok: true; readonly attempts: number }
  | { readonly ok: false; readonly attempts: number; readonly error: string; readonly permanent: boolean };

export interface RestHookDeliveryOptions {
  readonly maxQueue?: number;
  readonly concurrency?: number;
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  /** Uniform [0, 1) for the jitter (default Math.random). */
  readonly random?: () => number;
  readonly onOutcome?: (target: RestHookTarget, outcome: DeliveryOutcome) => void;
  readonly logger?: Logger;
}

interface Job {
  readonly target: RestHookTarget;
  readonly body: string | null;
  attempts: number;
}

type AttemptResult = { ok: true } | { ok: false; retryable: boolean; error: string; retryAfterMs?: number };

export class RestHookDelivery {
  private readonly ready: Job[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private active = 0;
  private size = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private readonly o: Required<Omit<RestHookDeliveryOptions, 'onOutcome' | 'logger'>>;
  delivered = 0;
  failed = 0;
  dropped = 0;
  retries = 0;

  constructor(private readonly options: RestHookDeliveryOptions = {}) {
    this.o = {
      maxQueue: options.maxQueue ?? 10_000,
      concurrency: options.concurrency ?? 4,
      maxAttempts: options.maxAttempts ?? 6,
      baseDelayMs: options.baseDelayMs ?? 1000,
      maxDelayMs: options.maxDelayMs ?? 60_000,
      timeoutMs: options.timeoutMs ?? 10_000,
      fetch: options.fetch ?? globalThis.fetch,
      random: options.random ?? Math.random,
    };
  }

  /** Queues one notification; false when it was dropped (queue full or stopped). */
  enqueue(target: RestHookTarget, resource?: unknown): boolean {
    if (this.stopped || this.size >= this.o.maxQueue) {
      this.dropped += 1;
      return false;
    }
    this.size += 1;
    this.ready.push({ target, body: target.payload === null || resource === undefined ? null : JSON.stringify(resource), attempts: 0 });
    this.pump();
    return true;
  }

  /** Notifications waiting, retrying or in flight. */
  get pending(): number {
    return this.size;
  }

  /** Resolves when nothing is pending. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops waiting retries and refuses new notifications; in-flight POSTs finish on their own. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.dropped += this.timers.size + this.ready.length;
    this.size -= this.timers.size + this.ready.length;
    this.timers.clear();
    this.ready.length = 0;
    this.settleIdle();
  }

  private pump(): void {
    while (!this.stopped && this.active < this.o.concurrency && this.ready.length > 0) {
      const job = this.ready.shift() as Job;
      this.active += 1;
      void this.run(job);
    }
  }

  private async run(job: Job): Promise<void> {
    job.attempts += 1;
    const result = await this.attempt(job);
    this.active -= 1;
    if (!result.ok && result.retryable && job.attempts < this.o.maxAttempts && !this.stopped) {
      this.retries += 1;
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          this.ready.push(job);
          this.pump();
        },
        this.delayMs(job.attempts, result.retryAfterMs),
      );
      timer.unref?.();
      this.timers.add(timer);
    } else {
      this.size -= 1;
      const outcome: DeliveryOutcome = result.ok
        ? { ok: true, attempts: job.attempts }
        : { ok: false, attempts: job.attempts, error: result.error, permanent: !result.retryable };
      if (outcome.ok) this.delivered += 1;
      else this.failed += 1;
      try {
        this.options.onOutcome?.(job.target, outcome);
      } catch (error) {
        this.options.logger?.error({ err: error }, 'rest-hook outcome handler failed');
      }
    }
    this.pump();
    this.settleIdle();
  }

  private async attempt(job: Job): Promise<AttemptResult> {
    const headers: Record<string, string> = {};
    for (const [name, value] of job.target.headers) headers[name] = value;
    if (job.body !== null && job.target.payload !== null) headers['content-type'] = job.target.payload;
    try {
      const response = await this.o.fetch(job.target.endpoint, {
        method: 'POST',
        headers,
        ...(job.body === null ? {} : { body: job.body }),
        signal: AbortSignal.timeout(this.o.timeoutMs),
        redirect: 'manual',
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) return { ok: true };
      const s = response.status;
      const retryAfterSec = Number(response.headers.get('retry-after'));
      return {
        ok: false,
        retryable: s === 408 || s === 429 || s >= 500,
        error: `HTTP ${s}`,
        ...(Number.isFinite(retryAfterSec) && retryAfterSec > 0 ? { retryAfterMs: retryAfterSec * 1000 } : {}),
      };
    } catch (error) {
      const e = error as Error & { cause?: { code?: string } };
      const error_ = e.name === 'TimeoutError' ? `no answer within ${this.o.timeoutMs} ms` : `cannot connect (${e.cause?.code ?? e.name})`;
      return { ok: false, retryable: true, error: error_ };
    }
  }

  private delayMs(attempts: number, retryAfterMs: number | undefined): number {
    return backoffDelayMs(attempts, this.o.baseDelayMs, this.o.maxDelayMs, this.o.random(), retryAfterMs);
  }

  private settleIdle(): void {
    if (this.size !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

/**
 * Wait before retry number `attempts` (1 = after the first failure): exponential
 * `base · 2^(attempts−1)` capped at `max`, with equal jitter (half fixed, half scaled by
 * `random` in [0, 1)), and never shorter than the receiver's Retry-After (still capped).
 */
export function backoffDelayMs(attempts: number, baseMs: number, maxMs: number, random: number, retryAfterMs?: number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** (attempts - 1));
  const jittered = exp / 2 + (exp / 2) * random;
  return Math.min(maxMs, Math.max(jittered, retryAfterMs ?? 0));
}
