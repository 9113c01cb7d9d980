import { describe, expect, it } from 'vitest';
import { EventBus, type SequencedEvent } from './event-bus.ts';
import { publishReadings } from './reading-events.ts';

describe('reading events', () => {
  const reading = (patientId: string, code: string, value: number) => ({
    patientId,
    code,
    value,
    unit: '/min',
    timeMs: 1000,
    deviceId: 'd1',
  });

  it('publishes one event per patient with that patient’s readings', () => {
    const bus = new EventBus();
    const got: SequencedEvent[] = [];
    bus.subscribe({ types: ['reading'] }, (e) => got.push(e));
    publishReadings(bus, [reading('p1', '8867-4', 72), reading('p2', '8867-4', 90), reading('p1', '9279-1', 16)], 5000);
    expect(got.map((e) => [e.patientId, (e.data.readings as { code: string }[]).map((r) => r.code)])).toEqual([
      ['p1', ['8867-4', '9279-1']],
      ['p2', ['8867-4']],
    ]);
    expect(got[0]?.timeMs).toBe(5000);
  });

  it('publishes nothing (and keeps no replay) when no one listens', () => {
    const bus = new EventBus();
    publishReadings(bus, [reading('p1', '8867-4', 72)], 5000);
    expect(bus.since(0, {})).toEqual([]);
  });
});
