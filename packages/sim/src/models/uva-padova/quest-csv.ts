import { CsvColumnReader, parseCsvTable } from '../../csv/csv-table.ts';

/** Therapy settings of a virtual patient (simglucose `Quest.csv`). */
export interface UvaPadovaTherapy {
  readonly name: string;
  /** CR: grams of carbohydrate covered by 1 U; meal bolus = grams / CR. */
  readonly carbRatioGPerU: number;
  /** CF: mg/dL lowered by 1 U; correction bolus = (BG − target) / CF. */
  readonly correctionFactorMgDlPerU: number;
  readonly ageYears: number;
  /** TDI: total daily insulin [U/day]. */
  readonly totalDailyInsulinU: number;
}

/** Parses `Quest.csv` (Name, CR, CF, Age, TDI); CR and CF must be > 0. */
export function parseQuestCsv(text: string, source = 'Quest.csv'): UvaPadovaTherapy[] {
  const table = parseCsvTable(text, source);
  const r = new CsvColumnReader(table, ['Name', 'CR', 'CF', 'Age', 'TDI']);
  r.throwIfProblems();
  const out = table.rows.map((row) => {
    const t: UvaPadovaTherapy = {
      name: r.text(row, 'Name'),
      carbRatioGPerU: r.number(row, 'CR'),
      correctionFactorMgDlPerU: r.number(row, 'CF'),
      ageYears: r.number(row, 'Age'),
      totalDailyInsulinU: r.number(row, 'TDI'),
    };
    if (!(t.carbRatioGPerU > 0)) r.problems.push({ path: `${r.label(row)}, column CR`, message: 'must be > 0' });
    if (!(t.correctionFactorMgDlPerU > 0)) r.problems.push({ path: `${r.label(row)}, column CF`, message: 'must be > 0' });
    return t;
  });
  r.throwIfProblems();
  return out;
}
