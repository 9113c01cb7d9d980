/**
 * HIPAA Safe Harbor, 45 CFR 164.514(b)(2)(i)(B): the initial three digits of a ZIP code may be kept
 * only if the area they form holds more than 20,000 people; otherwise they become 000. HHS
 * "Guidance Regarding Methods for De-identification of PHI" (2012), §3.4, lists the 17 three-digit
 * ZIP codes that fail the rule under the 2000 Census.
 */
export const restrictedZip3: ReadonlySet<string> = new Set([
  '036',
  '059',
  '063',
  '102',
  '203',
  '556',
  '692',
  '790',
  '821',
  '823',
  '830',
  '831',
  '878',
  '879',
  '884',
  '890',
  '893',
]);

/** The Safe Harbor form of a postal code: US ZIP → first three digits (or 000); anything else → removed. */
export function safeHarborZip3(postalCode: string): { readonly zip3?: string; readonly restricted: boolean } {
  const m = /^\s*(\d{3})\d{2}(?:-?\d{4})?\s*$/.exec(postalCode);
  if (!m) return { restricted: false };
  const zip3 = m[1] as string;
  return restrictedZip3.has(zip3) ? { zip3: '000', restricted: true } : { zip3, restricted: false };
}
