import { describe, expect, it } from 'vitest';
import { SimInputError } from '../sim-input-error.ts';
import { parseWhatIfOptions } from './what-if-options.ts';

describe('parseWhatIfOptions', () => {
  it('accepts boluses, meals and basal in U/min or U/h', () => {
    const opts = parseWhatIfOptions(
      [
        { label: 'bolus 4 U now', boluses: [{ inMin: 0, units: 4 }] },
        { label: '60 g meal in 30 min', meals: [{ inMin: 30, carbsG: 60 }] },
        {
          label: 'temp basal',
          basal: [
            { fromMin: 0, toMin: 60, basalUPerH: 0.6 },
            { fromMin: 60, toMin: 120, basalUPerMin: 0 },
          ],
        },
      ],
      240,
    );
    expect(opts[2]!.basal).toEqual([
      { fromMin: 0, toMin: 60, basalUPerMin: 0.01 },
      { fromMin: 60, toMin: 120, basalUPerMin: 0 },
    ]);
  });

  it('lists every problem with its JSON path', () => {
    try {
      parseWhatIfOptions(
        [
          { label: '', boluses: [{ inMin: -1, units: 100 }] },
          { label: 'a', meals: 'x', extra: 1 },
          { label: 'a', basal: [{ fromMin: 50, toMin: 10, basalUPerH: 1, basalUPerMin: 0.1 }] },
          3,
        ],
        240,
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SimInputError);
      expect((e as SimInputError).problems.map((p) => p.path)).toEqual([
        'options[0].label',
        'options[0].boluses[0].inMin',
        'options[0].boluses[0].units',
        'options[1].extra',
        'options[1].meals',
        'options[2].label',
        'options[2].basal[0].toMin',
        'options[2].basal[0]',
        'options[3]',
      ]);
    }
    expect(() => parseWhatIfOptions({}, 240)).toThrow(SimInputError);
    expect(() => parseWhatIfOptions([], 240)).toThrow(SimInputError);
    try {
      parseWhatIfOptions([], 240);
    } catch (e) {
      expect((e as SimInputError).problems[0]!.message).toMatch(/at least one/);
    }
  });
});
