import { describe, expect, it } from 'vitest';
import { parsePrometheus } from './prometheus-text.ts';

describe('Prometheus text format 0.0.4', () => {
  it('reads counters with labels, skips comments and histogram buckets', () => {
    const text = [
      '# HELP vitaltwin_ingest_messages_total Messages received',
      '# TYPE vitaltwin_ingest_messages_total counter',
      'vitaltwin_ingest_messages_total{transport="mqtt",outcome="stored"} 42',
      'vitaltwin_ingest_batch_duration_seconds_bucket{le="0.01"} 3',
      'vitaltwin_ingest_pending_readings 0',
      'x{a="q\\"uote"} 1.5e3',
    ].join('\n');
    expect(parsePrometheus(text)).toEqual([
      { name: 'vitaltwin_ingest_messages_total', labels: { transport: 'mqtt', outcome: 'stored' }, value: 42 },
      { name: 'vitaltwin_ingest_pending_readings', labels: {}, value: 0 },
      { name: 'x', labels: { a: 'q"uote' }, value: 1500 },
    ]);
  });
});
