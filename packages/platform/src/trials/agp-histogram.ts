import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { AgpProfile } from '@vitaltwin/core';

/**
 * Ambulatory glucose profile aggregated per arm without keeping readings: a histogram of glucose by
 * time-of-day bin (15 min, 96 bins, as the core AGP default) and glucose bin (2 mg/dL from 38 to
 * 602 mg/dL, covering the CGM range 39–600; values outside are put in the edge bins). Integer counts
 * add exactly, so shards merge in any order to the same profile. Percentiles are read from the
 * cumulative counts with linear interpolation inside the 2 mg/dL bin (resolution ±1 mg/dL).
 */
export const agpGrid = { binMin: 15, timeBins: 96, glucoseMinMgDl: 38, glucoseBinMgDl: 2, glucoseBins: 282 } as const;

export class AgpHistogram {
  readonly counts: Uint32Array;

  constructor(counts?: Uint32Array) {
    this.counts = counts ?? new Uint32Array(agpGrid.timeBins * agpGrid.glucoseBins);
    if (this.counts.length !== agpGrid.timeBins * agpGrid.glucoseBins) throw new RangeError('AGP histogram has the wrong size');
  }

  add(minuteOfDay: number, glucoseMgDl: number): void {
    const tb = Math.floor(minuteOfDay / agpGrid.binMin) % agpGrid.timeBins;
    let gb = Math.floor((glucoseMgDl - agpGrid.glucoseMinMgDl) / agpGrid.glucoseBinMgDl);
    if (gb < 0 || Number.isNaN(gb)) gb = 0;
    else if (gb >= agpGrid.glucoseBins) gb = agpGrid.glucoseBins - 1;
    const i = tb * agpGrid.glucoseBins + gb;
    this.counts[i] = this.counts[i]! + 1;
  }

  merge(other: AgpHistogram): void {
    for (let i = 0; i < this.counts.length; i++) this.counts[i] = this.counts[i]! + other.counts[i]!;
  }

  /** Compact text form for shard files: base64 of the raw-deflated little-endian uint32 counts. */
  encode(): string {
    const bytes = Buffer.alloc(this.counts.length * 4);
    for (let i = 0; i < this.counts.length; i++) bytes.writeUInt32LE(this.counts[i]!, i * 4);
    return deflateRawSync(bytes).toString('base64');
  }

  static decode(text: string): AgpHistogram {
    const bytes = inflateRawSync(Buffer.from(text, 'base64'));
    const n = agpGrid.timeBins * agpGrid.glucoseBins;
    if (bytes.length !== n * 4) throw new RangeError('AGP histogram has the wrong size');
    const counts = new Uint32Array(n);
    for (let i = 0; i < n; i++) counts[i] = bytes.readUInt32LE(i * 4);
    return new AgpHistogram(counts);
  }

  /** The AGP percentile curves (5, 25, 50, 75, 95) in the core's profile shape. */
  toProfile(): AgpProfile {
    const { timeBins, glucoseBins, binMin } = agpGrid;
    const binStartMin = new Float64Array(timeBins);
    const count = new Int32Array(timeBins);
    const curves = [
      new Float64Array(timeBins),
      new Float64Array(timeBins),
      new Float64Array(timeBins),
      new Float64Array(timeBins),
      new Float64Array(timeBins),
    ];
    const qs = [0.05, 0.25, 0.5, 0.75, 0.95];
    for (let t = 0; t < timeBins; t++) {
      binStartMin[t] = t * binMin;
      let total = 0;
      for (let g = 0; g < glucoseBins; g++) total += this.counts[t * glucoseBins + g]!;
      count[t] = total;
      qs.forEach((q, k) => {
        curves[k]![t] = total === 0 ? Number.NaN : this.quantile(t, total, q);
      });
    }
    return { binMin, binStartMin, count, p5: curves[0]!, p25: curves[1]!, p50: curves[2]!, p75: curves[3]!, p95: curves[4]! };
  }

  private quantile(t: number, total: number, q: number): number {
    const { glucoseBins, glucoseMinMgDl, glucoseBinMgDl } = agpGrid;
    const target = q * total;
    let cum = 0;
    for (let g = 0; g < glucoseBins; g++) {
      const c = this.counts[t * glucoseBins + g]!;
      if (c > 0 && cum + c >= target) {
        const frac = (target - cum) / c;
        return glucoseMinMgDl + (g + frac) * glucoseBinMgDl;
      }
      cum += c;
    }
    return glucoseMinMgDl + glucoseBins * glucoseBinMgDl;
  }
}
