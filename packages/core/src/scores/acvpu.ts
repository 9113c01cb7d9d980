/**
 * Level of consciousness on the ACVPU scale of NEWS2 (RCP 2017): Alert, new Confusion, responds to
 * Voice, responds to Pain, Unresponsive. NEWS2 added "C" (new-onset confusion or delirium) to the
 * AVPU scale of NEWS 2012; MEWS (Subbe 2001) uses plain AVPU.
 */
export const acvpuLevels = ['A', 'C', 'V', 'P', 'U'] as const;

export type Acvpu = (typeof acvpuLevels)[number];

export function isAcvpu(value: string): value is Acvpu {
  return (acvpuLevels as readonly string[]).includes(value);
}

/** Accepts a letter in either case, surrounding blanks ignored; null when it is not one of A, C, V, P, U. */
export function parseAcvpu(text: string): Acvpu | null {
  const letter = text.trim().toUpperCase();
  return isAcvpu(letter) ? letter : null;
}
