import { describe, expect, it } from 'vitest';
import { optionLabel, presetDrafts, toSimulateOptions } from './what-if-options.ts';

describe('what-if form → simulate options (sim what-if-options format)', () => {
  it('translates boluses, meals and basal changes, times in minutes from now', () => {
    const { options, problems } = toSimulateOptions(
      [
        {
          label: '',
          interventions: [
            { kind: 'bolus', amount: 4, inMin: 0, durationMin: 0 },
            { kind: 'meal', amount: 60, inMin: 30, durationMin: 0 },
          ],
        },
        { label: 'suspend', interventions: [{ kind: 'basal', amount: 0, inMin: 10, durationMin: 60 }] },
      ],
      240,
    );
    expect(problems).toEqual([]);
    expect(options).toEqual([
      { label: 'bolus 4 U now + 60 g meal in 30 min', boluses: [{ inMin: 0, units: 4 }], meals: [{ inMin: 30, carbsG: 60 }] },
      { label: 'suspend', basal: [{ fromMin: 10, toMin: 70, basalUPerH: 0 }] },
    ]);
  });

  it('clips a basal change at the horizon and reports out-of-range values and duplicate labels', () => {
    const basal = toSimulateOptions([{ label: '', interventions: [{ kind: 'basal', amount: 1.2, inMin: 100, durationMin: 60 }] }], 120);
    expect(basal.options[0]?.basal).toEqual([{ fromMin: 100, toMin: 120, basalUPerH: 1.2 }]);
    const bad = toSimulateOptions(
      [
        { label: 'x', interventions: [{ kind: 'bolus', amount: 50, inMin: 0, durationMin: 0 }] },
        { label: 'x', interventions: [{ kind: 'meal', amount: 20, inMin: 240, durationMin: 0 }] },
      ],
      240,
    );
    expect(bad.problems).toEqual([
      'Option 1, bolus 50 U now: amount must be 0.1–30 U',
      'Option 2: another option has the label "x"',
      'Option 2, 20 g meal in 240 min: start must be 0–239 min from now',
    ]);
    expect(toSimulateOptions([], 240).problems).toEqual(['Add at least one option.']);
  });

  it('labels an empty option "no change" and the presets by their events', () => {
    expect(optionLabel({ label: '', interventions: [] })).toBe('no change');
    expect(presetDrafts.map(optionLabel)).toEqual(['bolus 2 U now', '45 g meal in 15 min', 'basal 0 U/h now for 60 min']);
  });
});
