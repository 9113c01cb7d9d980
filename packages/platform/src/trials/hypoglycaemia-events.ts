/**
 * CGM-detected hypoglycaemia events as the international consensus defines them (Danne T et al.,
 * "International consensus on use of continuous glucose monitoring", Diabetes Care 2017;40:1631–40;
 * Battelino T et al., Lancet Diabetes Endocrinol 2023;11:42–57, CGM metrics for clinical trials):
 * an event of level 2 BEGINS when glucose is < 54 mg/dL for at least 15 consecutive minutes and ENDS
 * when glucose is ≥ 54 mg/dL for at least 15 consecutive minutes; level 1 likewise with 70 mg/dL.
 *
 * On regularly sampled data each reading stands for `intervalMin` minutes, so "15 consecutive minutes"
 * is ⌈15/interval⌉ consecutive readings (3 at 5 min, as iglu's `episode_calculation` counts them). An
 * event still open at the end of the series counts. Readings must be in time order without gaps.
 */
export const hypoEventRule = { level2ThresholdMgDl: 54, level1ThresholdMgDl: 70, minDurationMin: 15, endDurationMin: 15 } as const;

export function countHypoEvents(
  glucoseMgDl: ArrayLike<number>,
  intervalMin: number,
  thresholdMgDl: number = hypoEventRule.level2ThresholdMgDl,
): number {
  const need = Math.ceil(hypoEventRule.minDurationMin / intervalMin);
  const needEnd = Math.ceil(hypoEventRule.endDurationMin / intervalMin);
  let events = 0;
  let inEvent = false;
  let below = 0;
  let above = 0;
  for (let i = 0; i < glucoseMgDl.length; i++) {
    if (glucoseMgDl[i]! < thresholdMgDl) {
      below += 1;
      above = 0;
      if (!inEvent && below >= need) {
        inEvent = true;
        events += 1;
      }
    } else {
      above += 1;
      below = 0;
      if (inEvent && above >= needEnd) inEvent = false;
    }
  }
  return events;
}
