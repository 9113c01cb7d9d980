/**
 * xoshiro128** 1.1 — a small, fast, seedable 32-bit generator with a 2^128 − 1 period
 * (Blackman & Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS 47(4), 2021;
 * reference C code at prng.di.unimi.it). The simulator never uses `Math.random` (house rule 1): every
 * random draw comes from a generator seeded by the caller, so a run is reproducible from its seed.
 *
 * Seeding: a 53-bit non-negative integer seed is expanded to the 128-bit state with the SplitMix32
 * sequence (Weyl increment 0x9E3779B9 followed by the MurmurHash3 fmix32 finaliser), so that nearby
 * seeds give unrelated streams and the state is never all-zero.
 */
export class Xoshiro128StarStar {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  constructor(seed: number) {
    this.reseed(seed);
  }

  /** Builds a generator from an explicit 128-bit state (four 32-bit words, not all zero). */
  static fromState(s0: number, s1: number, s2: number, s3: number): Xoshiro128StarStar {
    const g = new Xoshiro128StarStar(0);
    g.setState(s0, s1, s2, s3);
    return g;
  }

  /** Resets the stream to the one defined by `seed` (a non-negative safe integer). */
  reseed(seed: number): void {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError('seed must be a non-negative safe integer');
    let weyl = (seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296), 0x85ebca6b);
    const next = (): number => {
      weyl = (weyl + 0x9e3779b9) | 0;
      let z = weyl;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.setState(next(), next(), next(), next());
  }

  setState(s0: number, s1: number, s2: number, s3: number): void {
    if ((s0 | s1 | s2 | s3) === 0) throw new RangeError('xoshiro128** state must not be all zero');
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
  }

  /** Next 32-bit output as an unsigned integer in [0, 2^32). */
  nextUint32(): number {
    const s1 = this.s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits (two outputs, as in the reference `genrand_res53`). */
  nextFloat64(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }
}
