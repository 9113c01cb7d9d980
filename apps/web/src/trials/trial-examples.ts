import closedLoop from '../../../../examples/trials/cohort-1000-closed-loop.json';
import crossover from '../../../../examples/trials/crossover-cr-0.8.json';

/**
 * Protocols to start from: a one-minute demo (8 simglucose patients, 2 days, basal-bolus vs a
 * 20 % larger meal bolus) and the repository's examples (examples/trials/).
 */
export const trialExamples: readonly { readonly key: string; readonly label: string; readonly protocol: unknown }[] = [
  {
    key: 'quick',
    label: 'Quick demo: 8 patients, 2 days, CR × 0.8 vs basal-bolus',
    protocol: {
      name: 'quick-cr-0.8',
      description: 'A small crossover to try the trial engine: 8 simglucose adults and adolescents, 2 days per arm.',
      design: 'crossover',
      population: {
        source: 'simglucose',
        patients: [
          'adult#001',
          'adult#002',
          'adult#003',
          'adult#004',
          'adolescent#001',
          'adolescent#002',
          'adolescent#003',
          'adolescent#004',
        ],
      },
      days: 2,
      seed: 7,
      arms: [
        { name: 'basal-bolus', controller: { type: 'basal-bolus' } },
        { name: 'cr-0.8', controller: { type: 'basal-bolus', crScale: 0.8 } },
      ],
      comparisons: [{ arms: ['cr-0.8', 'basal-bolus'] }],
    },
  },
  { key: 'crossover', label: 'examples/trials/crossover-cr-0.8.json (30 patients, 14 days)', protocol: crossover },
  { key: 'closed-loop', label: 'examples/trials/cohort-1000-closed-loop.json (1,000 patients, 14 days)', protocol: closedLoop },
];
