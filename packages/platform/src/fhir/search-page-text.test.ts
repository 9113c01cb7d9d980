import { describe, expect, it } from 'vitest';
import { deviceObservation } from './device-observations.ts';
import { pageEntries } from './search-page-text.ts';

// What the database's aggregate (pageTextSql) yields, decoded: the SQL itself runs in every search
// test (patient-search.int.test.ts pages, counts and device readings on both engines).
describe('search page text', () => {
  const obs = (id: string) => `{"resourceType":"Observation","id":"${id}","status":"final","note":[{"text":"a\\u001eb"}]}`;
  const reading = ['p1', '8867-4', '2024-03-30T23:59:59.001+00:00', 72.5, '/min', 'watch-9', '2024-03-31T00:00:00.123456+00:00'];

  it('splits entries in order into stored JSON, documents as stored and device readings as Observations', () => {
    const text = [
      `Observation/o-1\u001f${obs('o-1')}`,
      `\u001f${JSON.stringify(reading)}`,
      `Patient/p.1-a\u001f{"resourceType":"Patient","id":"p.1-a"}`,
    ].join('\u001e');
    const entries = pageEntries(text, 50);
    expect(entries.map((e) => [e.resourceType, e.id])).toEqual([
      ['Observation', 'o-1'],
      ['Observation', expect.stringMatching(/^dr-/)],
      ['Patient', 'p.1-a'],
    ]);
    expect(entries[0]!.text).toBe(obs('o-1'));
    expect(entries[1]!.resource).toEqual(
      deviceObservation({
        patientId: 'p1',
        code: '8867-4',
        timeMs: Date.UTC(2024, 2, 30, 23, 59, 59, 1),
        value: 72.5,
        unit: '/min',
        deviceId: 'watch-9',
        receivedAtMs: Date.UTC(2024, 2, 31, 0, 0, 0, 123),
      }),
    );
  });

  it('keeps the first `count` rows, leaves out a row without its document, and reads no rows as none', () => {
    const text = [`Observation/a\u001f${obs('a')}`, '', `Observation/c\u001f${obs('c')}`, `Observation/d\u001f${obs('d')}`].join('\u001e');
    expect(pageEntries(text, 3).map((e) => e.id)).toEqual(['a', 'c']);
    expect(pageEntries(text, 0)).toEqual([]);
    expect(pageEntries(null, 10)).toEqual([]);
  });
});
