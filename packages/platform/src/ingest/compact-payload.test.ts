import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactSampleSchema, decodeCompact } from './compact-payload.ts';

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

  describe('accepts and rejects exactly what the sample schema does (the direct check is only a shortcut)', () => {
    const agrees = (s: unknown) => {
      const schema = compactSampleSchema.safeParse(s);
      const out = decodeCompact({ samples: [s] });
      expect(out.samples.length === 1).toBe(schema.success);
      if (schema.success) expect(out.samples[0]?.timeMs).toBe(Date.parse(schema.data.time));
      else expect(out.rejections.map((r) => [r.index, r.reason])).toEqual([[0, 'schema']]);
    };
    const digits = (n: number, max: number) => fc.integer({ min: 0, max }).map((v) => String(v).padStart(n, '0'));
    const mostly = <T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>) =>
      fc.oneof({ arbitrary: usual, weight: 9 }, { arbitrary: odd, weight: 1 });

    it('on date-times near the edges (day 0..32 of months 0..13, hour 24, leap and century years, odd offsets)', () => {
      const time = fc
        .tuple(
          fc.constantFrom('1900', '2000', '2024', '2026', '2100'),
          digits(2, 13),
          digits(2, 32),
          digits(2, 24),
          digits(2, 60),
          digits(2, 60),
          fc.constantFrom('', '.5', '.123456', '.'),
          mostly(fc.constantFrom('Z', '+01:30', '-23:59'), fc.constantFrom('z', '+24:00', '+05:60', '+0130', '')),
          mostly(fc.constant('T'), fc.constantFrom('t', ' ')),
        )
        .map(([y, mo, d, h, mi, s, frac, off, sep]) => `${y}-${mo}-${d}${sep}${h}:${mi}:${s}${frac}${off}`);
      fc.assert(
        fc.property(time, (t) => agrees({ ...hr, time: t })),
        { numRuns: 20_000 },
      );
    });

    it('on samples of any shape', () => {
      const text = fc.oneof(fc.string({ maxLength: 34 }), fc.constantFrom('8867-4', '/min', 'mm[Hg]'));
      const sample = fc.oneof(
        fc.record(
          {
            code: fc.oneof(text, fc.integer()),
            value: fc.oneof(fc.double(), fc.integer(), fc.string()),
            unit: fc.oneof(text, fc.constant(null)),
            time: fc.oneof(fc.constant(hr.time), fc.string()),
          },
          { requiredKeys: [] },
        ),
        fc.anything(),
      );
      fc.assert(fc.property(sample, agrees), { numRuns: 5000 });
    });
  });
});
