import { describe, expect, it } from 'vitest';
import { EventBus, type TwinEvent } from './event-bus.ts';

const alert = (patientId?: string): TwinEvent => ({ type: 'alert', timeMs: 1, data: {}, ...(patientId ? { patientId } : {}) });

describe('event bus', () => {
  it('delivers events to matching subscribers only', () => {
    const bus = new EventBus();
    const all: TwinEvent[] = [];
    const p1Alerts: TwinEvent[] = [];
    bus.subscribe({}, (e) => all.push(e));
    bus.subscribe({ types: ['alert'], patientIds: ['p1'] }, (e) => p1Alerts.push(e));
    bus.publish(alert('p1'));
    bus.publish(alert('p2'));
    bus.publish({ type: 'score', patientId: 'p1', timeMs: 2, data: {} });
    bus.publish({ type: 'trial-progress', timeMs: 3, data: {} });
    expect(all).toHaveLength(4);
    expect(p1Alerts.map((e) => e.patientId)).toEqual(['p1']);
  });

  it('keeps delivering when one subscriber throws, and counts the failure', () => {
    const bus = new EventBus();
    const got: TwinEvent[] = [];
    bus.subscribe({}, () => {
      throw new Error('broken client');
    });
    bus.subscribe({}, (e) => got.push(e));
    bus.publish(alert('p1'));
    expect(got).toHaveLength(1);
    expect(bus.listenerFailures).toBe(1);
  });

  it('replays recent matching events after a given id, as far back as its buffer holds', () => {
    const bus = new EventBus(3);
    for (const p of ['p1', 'p2', 'p1', 'p1', 'p2']) bus.publish(alert(p));
    expect(bus.since(0, {}).map((e) => e.id)).toEqual([3, 4, 5]);
    expect(bus.since(3, { patientIds: ['p1'] }).map((e) => e.id)).toEqual([4]);
    expect(bus.since(5, {})).toEqual([]);
  });

  it('stops delivering after unsubscribe', () => {
    const bus = new EventBus();
    const got: TwinEvent[] = [];
    const stop = bus.subscribe({}, (e) => got.push(e));
    stop();
    bus.publish(alert('p1'));
    expect(got).toHaveLength(0);
    expect(bus.subscriberCount).toBe(0);
  });
});
