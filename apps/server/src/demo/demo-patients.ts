/**
 * Extra ward patients for the demo beyond the shipped Synthea records, so the ward view has a
 * realistic number of beds. Names are obviously synthetic (digit suffixes, as Synthea does).
 */
const given = ['Ada', 'Bruno', 'Chloe', 'Dmitri', 'Esther', 'Farid', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Kaia', 'Luca'];
const family = ['Moreno', 'Nakamura', 'Okafor', 'Petrov', 'Quinn', 'Rossi', 'Silva', 'Tanaka', 'Underwood', 'Vasquez', 'Weber', 'Young'];

export function demoWardPatients(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(2, '0');
    return {
      resourceType: 'Patient',
      id: `demo-bed-${n}`,
      identifier: [{ system: 'urn:vitaltwin:demo', value: `bed-${n}` }],
      name: [
        {
          use: 'official',
          family: `${family[(i * 5) % family.length]}${100 + i * 37}`,
          given: [`${given[i % given.length]}${200 + i * 13}`],
        },
      ],
      gender: i % 2 === 0 ? 'female' : 'male',
      birthDate: `${1938 + ((i * 7) % 50)}-0${1 + (i % 9)}-1${i % 9}`,
    };
  });
}

/** A bedside monitor or CGM bound to its patient through Device.patient (what device ingest follows). */
export function demoDevice(deviceId: string, patientId: string, kind: 'monitor' | 'cgm'): Record<string, unknown> {
  return {
    resourceType: 'Device',
    id: deviceId,
    status: 'active',
    deviceName: [{ name: kind === 'cgm' ? `Demo CGM ${deviceId}` : `Demo bedside monitor ${deviceId}`, type: 'user-friendly-name' }],
    patient: { reference: `Patient/${patientId}` },
  };
}
