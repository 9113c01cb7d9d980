import { type IndexPath, type ResourceSearchModel, searchModel } from '../search-parameter-registry.ts';

/**
 * The care date of each patient-compartment resource type: the date search parameter that says
 * when the care it records happened, which `Patient/$everything` `start`/`end` select by (R4
 * patient-operation-everything: "care dates, not record currency dates"). It is the type's common
 * clinical `date` parameter (R4 SearchParameter clinical-date: Observation.effective,
 * Encounter.period, Procedure.performed, Immunization.occurrence ...) unless that is not a care
 * date or the type has none; those are named here. Types without a care date (Patient, Coverage,
 * Device, Group ...) are not selected by date at all.
 */
const careDateParams: Readonly<Record<string, string>> = {
  Account: 'period',
  Basic: 'created',
  ChargeItem: 'occurrence',
  Claim: 'created',
  ClaimResponse: 'created',
  Communication: 'sent',
  CommunicationRequest: 'occurrence',
  Condition: 'onset-date',
  Contract: 'issued',
  CoverageEligibilityRequest: 'created',
  CoverageEligibilityResponse: 'created',
  DetectedIssue: 'identified',
  DeviceRequest: 'event-date',
  DocumentManifest: 'created',
  // DocumentReference.date is when the reference was made; context.period is the care documented.
  DocumentReference: 'period',
  ExplanationOfBenefit: 'created',
  Goal: 'start-date',
  ImagingStudy: 'started',
  Media: 'created',
  MedicationAdministration: 'effective-time',
  MedicationDispense: 'whenhandedover',
  // MedicationRequest `date` is the dosage timing's events; the prescription is dated by authoredOn.
  MedicationRequest: 'authoredon',
  MedicationStatement: 'effective',
  NutritionOrder: 'datetime',
  Provenance: 'recorded',
  QuestionnaireResponse: 'authored',
  RequestGroup: 'authored',
  ServiceRequest: 'occurrence',
  Specimen: 'collected',
  Task: 'period',
  VisionPrescription: 'datewritten',
};

/** Types whose date parameters are about the person, not care. */
const undated: ReadonlySet<string> = new Set(['Patient', 'Person', 'RelatedPerson']);

/** The care-date parameter of a type, or undefined when its resources have none. */
export function careDateParam(model: ResourceSearchModel): string | undefined {
  if (undated.has(model.resourceType)) return undefined;
  const code = careDateParams[model.resourceType] ?? 'date';
  return model.params.get(code)?.type === 'date' ? code : undefined;
}

/** The index branches that hold care dates, over every type given. */
export function careDatePaths(types: readonly string[]): IndexPath[] {
  const out: IndexPath[] = [];
  for (const type of types) {
    const model = searchModel(type);
    const code = model && careDateParam(model);
    if (!model || code === undefined) continue;
    for (const branch of model.params.get(code)?.branches ?? []) out.push(branch.path);
  }
  return out;
}
