import { describe, expect, it } from 'vitest';
import { sameContent } from './same-content.ts';

describe('sameContent', () => {
  const stored = {
    resourceType: 'Patient',
    id: 'p1',
    meta: { versionId: '3', lastUpdated: '2024-01-01T00:00:00.000Z' },
    name: [{ family: 'Doe', given: ['Ann', 'B'] }],
    active: true,
  };

  it('ignores key order and the server bookkeeping in meta', () => {
    expect(sameContent(stored, { active: true, name: [{ given: ['Ann', 'B'], family: 'Doe' }], id: 'p1', resourceType: 'Patient' })).toBe(
      true,
    );
    expect(sameContent(stored, { ...stored, meta: { lastUpdated: '2030-01-01T00:00:00Z' } })).toBe(true);
  });

  it('sees changed values, array order, added or removed elements and other meta', () => {
    expect(sameContent(stored, { ...stored, active: false })).toBe(false);
    expect(sameContent(stored, { ...stored, name: [{ family: 'Doe', given: ['B', 'Ann'] }] })).toBe(false);
    expect(sameContent(stored, { ...stored, gender: 'female' })).toBe(false);
    const { active: _, ...withoutActive } = stored;
    expect(sameContent(stored, withoutActive)).toBe(false);
    expect(sameContent(stored, { ...stored, meta: { profile: ['http://example.org/p'] } })).toBe(false);
  });

  it('is false when either side is missing', () => {
    expect(sameContent(undefined, stored)).toBe(false);
    expect(sameContent(stored, null)).toBe(false);
  });
});
