/** Mid-ranks of values (1-based; ties share the average of the ranks they span) and tie group sizes. */
export interface RankResult {
  readonly ranks: Float64Array;
  /** Size of every tie group with more than one member. */
  readonly tieSizes: readonly number[];
}

export function midRanks(values: ArrayLike<number>): RankResult {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => values[i]! - values[j]! || i - j);
  const ranks = new Float64Array(n);
  const tieSizes: number[] = [];
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && values[order[j]!] === values[order[i]!]) j++;
    const r = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) ranks[order[k]!] = r;
    if (j - i > 1) tieSizes.push(j - i);
    i = j;
  }
  return { ranks, tieSizes };
}

/** Σ (t³ − t) over tie groups, the quantity every tie correction uses. */
export function tieSum(tieSizes: readonly number[]): number {
  let s = 0;
  for (const t of tieSizes) s += t * t * t - t;
  return s;
}
