import { describe, expect, it } from 'vitest';
import { restrictedZip3, safeHarborZip3 } from './safe-harbor-zip.ts';

describe('Safe Harbor 3-digit ZIP', () => {
  it('lists the 17 restricted prefixes of the HHS guidance', () => {
    expect(restrictedZip3.size).toBe(17);
  });
  it('keeps the first three digits, 000 for small areas, and drops what is not a US ZIP', () => {
    expect(safeHarborZip3('01840')).toEqual({ zip3: '018', restricted: false });
    expect(safeHarbor('02139-4307')).toBe('021');
    expect(safeHarborZip3('03601')).toEqual({ zip3: '000', restricted: true });
    expect(safeHarborZip3('89301')).toEqual({ zip3: '000', restricted: true });
    expect(safeHarborZip3('SW1A 1AA')).toEqual({ restricted: false });
    expect(safeHarborZip3('123')).toEqual({ restricted: false });
  });
});

function safeHarbor(zip: string): string | undefined {
  return safeHarborZip3(zip).zip3;
}
