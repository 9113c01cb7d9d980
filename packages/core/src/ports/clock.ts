/** The wall clock, passed in so that domain code stays deterministic under test. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  nowMs(): number;
}
