import { alertCommunication } from './alert-communication.ts';
import type { AlertChange } from './alert-record.ts';
import type { RestHookDelivery } from './rest-hook-delivery.ts';
import type { StoredScores } from './score-recorder.ts';
import type { MatchableResource } from './subscription-criteria.ts';
import type { SubscriptionRegistry } from './subscription-registry.ts';

/**
 * Matches what the monitor produces against the registered Subscriptions and queues rest-hook
 * notifications: stored score Observations, and alert changes as Communications (every transition
 * except a plain re-firing `updated`, which would page for nothing new). Synchronous and cheap:
 * it only matches in memory and queues.
 */
export class SubscriptionNotifier {
  queued = 0;

  constructor(
    private readonly registry: SubscriptionRegistry,
    private readonly delivery: RestHookDelivery,
  ) {}

  notifyAlert(change: AlertChange): void {
    if (change.transition === 'updated') return;
    if (this.registry.subscriptionsFor('Communication').length === 0) return;
    this.dispatch(alertCommunication(change) as unknown as MatchableResource);
  }

  notifyScores(stored: StoredScores): void {
    if (this.registry.subscriptionsFor('Observation').length === 0) return;
    for (const observation of stored.observations) this.dispatch(observation as unknown as MatchableResource);
  }

  private dispatch(resource: MatchableResource): void {
    for (const sub of this.registry.subscriptionsFor(resource.resourceType)) {
      if (sub.matches(resource) && this.delivery.enqueue(sub.target, resource)) this.queued += 1;
    }
  }
}
