import { FhirRepository } from '../fhir/fhir-repository.ts';
import type { SqlClient } from '../store/sql-client.ts';

/** A device and the patient it monitors. */
export interface DeviceBindingSpec {
  readonly deviceId: string;
  readonly patientId: string;
  /** Shown as Patient.name.given (the family name is "Simulated"). */
  readonly patientLabel?: string;
}

/** FHIR R4 Patient for a simulated (synthetic) patient. */
export function simulatedPatient(spec: DeviceBindingSpec): Record<string, unknown> {
  return {
    resourceType: 'Patient',
    id: spec.patientId,
    identifier: [{ system: 'urn:vitaltwin:simulator', value: spec.patientId }],
    name: [{ family: 'Simulated', given: [spec.patientLabel ?? spec.patientId] }],
  };
}

/** FHIR R4 Device bound to its patient through `Device.patient`, which device ingest follows. */
export function simulatedDevice(spec: DeviceBindingSpec): Record<string, unknown> {
  return {
    resourceType: 'Device',
    id: spec.deviceId,
    status: 'active',
    deviceName: [{ name: `Vitaltwin simulated monitor ${spec.deviceId}`, type: 'user-friendly-name' }],
    patient: { reference: `Patient/${spec.patientId}` },
  };
}

/**
 * Writes the Patient and Device resources of each binding through the FHIR repository (validated,
 * versioned, search-indexed; existing resources get a new version), for the device simulator,
 * tests and benchmarks. Call `DeviceBindingCache.invalidate` afterwards where a pipeline has
 * already seen these devices.
 */
export async function registerDeviceBindings(db: SqlClient, specs: readonly DeviceBindingSpec[]): Promise<void> {
  // A few resources: validate in this thread rather than start a worker pool.
  const repo = await FhirRepository.open(db, { validationWorkers: 0 });
  try {
    await repo.importResources(specs.flatMap((s) => [simulatedPatient(s), simulatedDevice(s)]));
  } finally {
    await repo.close();
  }
}
