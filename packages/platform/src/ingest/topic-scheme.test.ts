import { describe, expect, it } from 'vitest';
import { ingestSubscription, ingestTopic, parseIngestTopic } from './topic-scheme.ts';

describe('ingest topic scheme', () => {
  it('maps the three suffixes to payload formats', () => {
    expect(parseIngestTopic('vitaltwin/devices/mon-7/readings')).toEqual({ kind: 'ingest', deviceId: 'mon-7', format: 'compact' });
    expect(parseIngestTopic('vitaltwin/devices/mon-7/omh')).toEqual({ kind: 'ingest', deviceId: 'mon-7', format: 'omh' });
    expect(parseIngestTopic('vitaltwin/devices/mon-7/fhir')).toEqual({ kind: 'ingest', deviceId: 'mon-7', format: 'fhir' });
  });

  it('round-trips with ingestTopic and honours a custom root', () => {
    expect(parseIngestTopic(ingestTopic('d.1', 'omh', 'site-a/ward3'), 'site-a/ward3')).toEqual({
      kind: 'ingest',
      deviceId: 'd.1',
      format: 'omh',
    });
    expect(parseIngestTopic('vitaltwin/devices/d/readings', 'site-a')).toEqual({ kind: 'other' });
    expect(ingestSubscription('site-a')).toBe('site-a/devices/+/+');
  });

  it('leaves other topics to the broker', () => {
    expect(parseIngestTopic('$SYS/broker/uptime')).toEqual({ kind: 'other' });
    expect(parseIngestTopic('vitaltwin/alerts')).toEqual({ kind: 'other' });
  });

  it('marks malformed ingest topics invalid, naming the device when it can', () => {
    expect(parseIngestTopic('vitaltwin/devices/d1/readings/extra')).toMatchObject({ kind: 'invalid' });
    expect(parseIngestTopic('vitaltwin/devices/d1/xml')).toMatchObject({ kind: 'invalid', deviceId: 'd1' });
    expect(parseIngestTopic('vitaltwin/devices/bad id/readings')).toMatchObject({ kind: 'invalid' });
    expect(parseIngestTopic(`vitaltwin/devices/${'x'.repeat(65)}/readings`)).toMatchObject({ kind: 'invalid' });
    // A suffix named like an Object.prototype member is not a format.
    expect(parseIngestTopic('vitaltwin/devices/d1/constructor')).toMatchObject({ kind: 'invalid' });
  });
});
