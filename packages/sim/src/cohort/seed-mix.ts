/**
 * Derives independent, reproducible seeds from a base seed and integer coordinates (patient, arm, day,
 * stream ...). Each coordinate is folded in with the MurmurHash3 32-bit finaliser (fmix32, Appleby 2008)
 * on two 32-bit lanes, so nearby coordinates give unrelated streams; the result is a non-negative
 * 53-bit safe integer accepted by `Xoshiro128StarStar`. Pure integer arithmetic: identical on every
 * machine and worker, which is what makes trial results independent of how the work is split.
 */
function fmix32(h: number): number {
  let x = h | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

export function mixSeed(base: number, ...coordinates: readonly number[]): number {
  if (!Number.isSafeInteger(base) || base < 0) throw new RangeError('seed must be a non-negative safe integer');
  let hi = fmix32(Math.floor(base / 4294967296) ^ 0x243f6a88);
  let lo = fmix32((base >>> 0) ^ 0x85a308d3);
  for (const c of coordinates) {
    if (!Number.isSafeInteger(c)) throw new RangeError('seed coordinates must be safe integers');
    const cLo = c >>> 0;
    const cHi = Math.floor(c / 4294967296) >>> 0;
    lo = fmix32((lo ^ cLo) + Math.imul(hi, 0x9e3779b9));
    hi = fmix32((hi ^ cHi) + Math.imul(lo, 0x7f4a7c15) + 0x632be5ab);
  }
  // 21 bits of hi and 32 of lo: a 53-bit safe integer.
  return (hi & 0x1fffff) * 4294967296 + lo;
}
