import type { WhatIfOptionJson } from '../api/api-types.ts';

/**
 * The what-if form's model and its translation to the simulate API's options
 * (sim estimation/what-if-options.ts): boluses `{inMin, units}`, meals `{inMin, carbsG}` and basal
 * changes `{fromMin, toMin, basalUPerH}`, times in minutes from now and inside the horizon. Labels
 * are written from the events when the user gives none, and must be unique (the API requires it).
 */
export type InterventionKind = 'bolus' | 'meal' | 'basal';

export interface Intervention {
  readonly kind: InterventionKind;
  /** Units (bolus), grams (meal) or U/h (basal). */
  readonly amount: number;
  readonly inMin: number;
  /** Basal only: how long the rate holds. */
  readonly durationMin: number;
}

export interface OptionDraft {
  readonly label: string;
  readonly interventions: readonly Intervention[];
}

export const interventionLimits: Readonly<Record<InterventionKind, { min: number; max: number; step: number; unit: string }>> = {
  bolus: { min: 0.1, max: 30, step: 0.1, unit: 'U' },
  meal: { min: 1, max: 200, step: 1, unit: 'g' },
  basal: { min: 0, max: 10, step: 0.05, unit: 'U/h' },
};

export function describeIntervention(i: Intervention): string {
  const when = i.inMin === 0 ? 'now' : `in ${i.inMin} min`;
  switch (i.kind) {
    case 'bolus':
      return `bolus ${i.amount} U ${when}`;
    case 'meal':
      return `${i.amount} g meal ${when}`;
    case 'basal':
      return `basal ${i.amount} U/h ${when} for ${i.durationMin} min`;
    default:
      return assertNever(i.kind);
  }
}

export function optionLabel(draft: OptionDraft): string {
  const given = draft.label.trim();
  if (given !== '') return given.slice(0, 80);
  if (draft.interventions.length === 0) return 'no change';
  return draft.interventions.map(describeIntervention).join(' + ').slice(0, 80);
}

export interface OptionsResult {
  readonly options: WhatIfOptionJson[];
  readonly problems: string[];
}

export function toSimulateOptions(drafts: readonly OptionDraft[], horizonMin: number): OptionsResult {
  const problems: string[] = [];
  const labels = new Set<string>();
  const options = drafts.map((draft, d) => {
    const label = optionLabel(draft);
    if (labels.has(label)) problems.push(`Option ${d + 1}: another option has the label "${label}"`);
    labels.add(label);
    const boluses: { inMin: number; units: number }[] = [];
    const meals: { inMin: number; carbsG: number }[] = [];
    const basal: { fromMin: number; toMin: number; basalUPerH: number }[] = [];
    for (const i of draft.interventions) {
      const where = `Option ${d + 1}, ${describeIntervention(i)}`;
      const limits = interventionLimits[i.kind];
      if (!(i.amount >= limits.min && i.amount <= limits.max))
        problems.push(`${where}: amount must be ${limits.min}–${limits.max} ${limits.unit}`);
      if (!(Number.isInteger(i.inMin) && i.inMin >= 0 && i.inMin < horizonMin))
        problems.push(`${where}: start must be 0–${horizonMin - 1} min from now`);
      switch (i.kind) {
        case 'bolus':
          boluses.push({ inMin: i.inMin, units: i.amount });
          break;
        case 'meal':
          meals.push({ inMin: i.inMin, carbsG: i.amount });
          break;
        case 'basal': {
          const toMin = Math.min(horizonMin, i.inMin + i.durationMin);
          if (!(i.durationMin > 0)) problems.push(`${where}: duration must be positive`);
          basal.push({ fromMin: i.inMin, toMin, basalUPerH: i.amount });
          break;
        }
        default:
          assertNever(i.kind);
      }
    }
    return {
      label,
      ...(boluses.length ? { boluses } : {}),
      ...(meals.length ? { meals } : {}),
      ...(basal.length ? { basal } : {}),
    };
  });
  if (options.length === 0) problems.push('Add at least one option.');
  return { options, problems };
}

export const presetDrafts: readonly OptionDraft[] = [
  { label: '', interventions: [{ kind: 'bolus', amount: 2, inMin: 0, durationMin: 0 }] },
  { label: '', interventions: [{ kind: 'meal', amount: 45, inMin: 15, durationMin: 0 }] },
  { label: '', interventions: [{ kind: 'basal', amount: 0, inMin: 0, durationMin: 60 }] },
];

function assertNever(value: never): never {
  throw new Error(`unexpected intervention ${String(value)}`);
}
