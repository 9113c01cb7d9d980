import { describe, expect, it } from 'vitest';
import { IngestMetrics } from './ingest-metrics.ts';

describe('ingest metrics (Prometheus text format 0.0.4)', () => {
  it('renders counters, labelled series and a cumulative histogram', () => {
    const m = new IngestMetrics(() => 7);
    m.countMessage('mqtt', 'compact');
    m.countMessage('mqtt', 'compact');
    m.countMessage('http', 'omh');
    m.countDeadLetter('implausible', 3);
    m.observeBatch(0.004, 100, 2);
    m.observeBatch(0.2, 50, 0);
    const text = m.renderPrometheus();
    expect(text).toContain('vitaltwin_ingest_messages_total{transport="mqtt",format="compact"} 2\n');
    expect(text).toContain('vitaltwin_ingest_messages_total{transport="http",format="omh"} 1\n');
    expect(text).toContain('vitaltwin_ingest_readings_stored_total 150\n');
    expect(text).toContain('vitaltwin_ingest_readings_duplicate_total 2\n');
    expect(text).toContain('vitaltwin_ingest_dead_letters_total{reason="implausible"} 3\n');
    expect(text).toContain('vitaltwin_ingest_dead_letters_total{reason="unknown-device"} 0\n');
    expect(text).toContain('vitaltwin_ingest_pending_readings 7\n');
    expect(text).toContain('vitaltwin_ingest_batch_duration_seconds_bucket{le="0.005"} 1\n');
    expect(text).toContain('vitaltwin_ingest_batch_duration_seconds_bucket{le="0.25"} 2\n');
    expect(text).toContain('vitaltwin_ingest_batch_duration_seconds_bucket{le="+Inf"} 2\n');
    expect(text).toContain('vitaltwin_ingest_batch_duration_seconds_count 2\n');
    // Every sample line belongs to a family announced by # TYPE.
    const families = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((x) => x[1]));
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
      const name = (line.split(/[{ ]/)[0] as string).replace(/_(bucket|sum|count)$/, '');
      expect(families.has(name) || families.has(line.split(/[{ ]/)[0])).toBe(true);
    }
    expect(m.messagesTotal()).toBe(3);
    expect(m.deadLettersTotal()).toBe(3);
  });
});
