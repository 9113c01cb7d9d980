import { describe, expect, it } from 'vitest';
import { decodeCompact } from './compact-payload.ts';

const hr = { code: '8867-4', value: 72, unit: '/min', time: '2026-11-21T10:00:00Z' };

describe('compact payload decoder', () => {
  it('reads the example from docs/ingest.md', () => {
    const out = decodeCompact({ samples: [hr] });
    expect(out.rejections).toEqual([]);
    expect(out.samples).toEqual([{ index: 0, code: '8867-4', value: 72, unit: '/min', timeMs: Date.UTC(2026, 10, 21, 10), source: hr }]);
  });

  it('accepts offsets and fractional seconds (RFC 3339)', () => {
    const out = decodeCompact({ samples: [{ ...hr, time: '2026-11-21T11:30:00.250+01:30' }] });
    expect(out.samples[0]?.timeMs).toBe(Date.UTC(2026, 10, 21, 10, 0, 0, 250));
  });

  it('keeps the good samples and rejects each bad one with its index', () => {
    const out = decodeCompact({
      samples: [
        hr,
        { ...hr, value: '72' },
        { ...hr, time: '21/11/2026 10:00' },
        { ...hr, time: '2026-11-21T10:00:00' },
        null,
        { ...hr, code: '9279-1' },
      ],
    });
    expect(out.samples.map((s) => s.index)).toEqual([0, 5]);
    expect(out.rejections.map((r) => [r.index, r.reason])).toEqual([
      [1, 'schema'],
      [2, 'schema'],
      [3, 'schema'],
      [4, 'schema'],
    ]);
    expect(out.rejections[0]?.detail).toContain('samples.1.value');
    expect(out.rejections[0]?.sampleText).toBe(JSON.stringify({ ...hr, value: '72' }));
  });

  it('rejects a message without a samples array as a whole', () => {
    for (const bad of [{}, { samples: [] }, { samples: {} }, [hr], 'x', 42, null]) {
      const out = decodeCompact(bad);
      expect(out.samples).toEqual([]);
      expect(out.rejections).toEqual([{ index: null, reason: 'schema', detail: expect.any(String) }]);
    }
  });

  it('rejects non-finite numbers (JSON 1e400 parses to Infinity)', () => {
    const out = decodeCompact(JSON.parse('{"samples":[{"code":"8867-4","value":1e400,"unit":"/min","time":"2026-11-21T10:00:00Z"}]}'));
    expect(out.rejections[0]?.reason).toBe('schema');
  });
});
