/**
 * The FHIR R4 Patient compartment (http://hl7.org/fhir/R4/compartmentdefinition-patient.html):
 * for each resource type in it, the search parameter that names the patient (the first one is used
 * to restrict a search to one patient) and the element paths those parameters select, used to
 * decide whether a resource belongs to a patient. Paths are dotted; arrays are walked.
 */
export interface CompartmentEntry {
  /** Search parameter added to a patient-restricted search, e.g. `subject` for Observation. */
  readonly param: string;
  /** Elements holding a reference to the patient (all compartment parameters' paths). */
  readonly paths: readonly string[];
}

const e = (param: string, ...paths: string[]): CompartmentEntry => ({ param, paths });

export const patientCompartment: Readonly<Record<string, CompartmentEntry>> = {
  Account: e('subject', 'subject'),
  AdverseEvent: e('subject', 'subject'),
  AllergyIntolerance: e('patient', 'patient', 'recorder', 'asserter'),
  Appointment: e('actor', 'participant.actor'),
  AppointmentResponse: e('actor', 'actor'),
  AuditEvent: e('patient', 'agent.who', 'entity.what'),
  Basic: e('patient', 'subject', 'author'),
  BodyStructure: e('patient', 'patient'),
  CarePlan: e('patient', 'subject', 'activity.detail.performer'),
  CareTeam: e('patient', 'subject', 'participant.member'),
  ChargeItem: e('subject', 'subject'),
  Claim: e('patient', 'patient', 'payee.party'),
  ClaimResponse: e('patient', 'patient'),
  ClinicalImpression: e('subject', 'subject'),
  Communication: e('subject', 'subject', 'sender', 'recipient'),
  CommunicationRequest: e('subject', 'subject', 'sender', 'recipient', 'requester'),
  Composition: e('subject', 'subject', 'author', 'attester.party'),
  Condition: e('patient', 'subject', 'asserter'),
  Consent: e('patient', 'patient'),
  Coverage: e('beneficiary', 'beneficiary', 'policyHolder', 'subscriber', 'payor'),
  CoverageEligibilityRequest: e('patient', 'patient'),
  CoverageEligibilityResponse: e('patient', 'patient'),
  DetectedIssue: e('patient', 'patient'),
  DeviceRequest: e('subject', 'subject', 'performer'),
  DeviceUseStatement: e('subject', 'subject'),
  DiagnosticReport: e('subject', 'subject'),
  DocumentManifest: e('subject', 'subject', 'author', 'recipient'),
  DocumentReference: e('subject', 'subject', 'author'),
  Encounter: e('subject', 'subject'),
  EnrollmentRequest: e('subject', 'candidate'),
  EpisodeOfCare: e('patient', 'patient'),
  ExplanationOfBenefit: e('patient', 'patient', 'payee.party'),
  FamilyMemberHistory: e('patient', 'patient'),
  Flag: e('patient', 'subject'),
  Goal: e('patient', 'subject'),
  Group: e('member', 'member.entity'),
  ImagingStudy: e('patient', 'subject'),
  Immunization: e('patient', 'patient'),
  ImmunizationEvaluation: e('patient', 'patient'),
  ImmunizationRecommendation: e('patient', 'patient'),
  Invoice: e('subject', 'subject', 'recipient'),
  List: e('subject', 'subject', 'source'),
  MeasureReport: e('patient', 'subject'),
  Media: e('subject', 'subject'),
  MedicationAdministration: e('patient', 'subject', 'performer.actor'),
  MedicationDispense: e('patient', 'subject', 'receiver'),
  MedicationRequest: e('subject', 'subject'),
  MedicationStatement: e('subject', 'subject'),
  MolecularSequence: e('patient', 'patient'),
  NutritionOrder: e('patient', 'patient'),
  Observation: e('subject', 'subject', 'performer'),
  Patient: e('_id', 'link.other'),
  Person: e('patient', 'link.target'),
  Procedure: e('patient', 'subject', 'performer.actor'),
  Provenance: e('patient', 'target'),
  QuestionnaireResponse: e('subject', 'subject', 'author'),
  RelatedPerson: e('patient', 'patient'),
  RequestGroup: e('subject', 'subject', 'action.participant'),
  ResearchSubject: e('individual', 'individual'),
  RiskAssessment: e('subject', 'subject'),
  Schedule: e('actor', 'actor'),
  ServiceRequest: e('subject', 'subject', 'performer'),
  Specimen: e('subject', 'subject'),
  SupplyDelivery: e('patient', 'patient'),
  SupplyRequest: e('subject', 'deliverTo'),
  Task: e('patient', 'for'),
  VisionPrescription: e('patient', 'patient'),
};

/**
 * Elements outside the compartment definition that still name the patient a resource is about
 * (Device.patient: FHIR R4 Device is in the Device compartment, but its readings are a patient's).
 */
const aboutPatientExtra: Readonly<Record<string, readonly string[]>> = { Device: ['patient'] };

export function isCompartmentType(resourceType: string): boolean {
  return Object.hasOwn(patientCompartment, resourceType);
}

/** Patient id in a reference string `Patient/x`, `Patient/x/_history/n` or `.../fhir/Patient/x`. */
export function patientIdFromReference(reference: string): string | undefined {
  const m = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference);
  return m?.[1];
}

function collectReferences(value: unknown, path: readonly string[], at: number, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collectReferences(item, path, at, out);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (at === path.length) {
    const ref = (value as { reference?: unknown }).reference;
    if (typeof ref === 'string') out.push(ref);
    return;
  }
  collectReferences((value as Record<string, unknown>)[path[at] as string], path, at + 1, out);
}

/** Every reference string held by the resource's patient-compartment elements. */
export function compartmentReferences(resource: { readonly resourceType?: unknown }): string[] {
  const type = typeof resource.resourceType === 'string' ? resource.resourceType : '';
  const paths = [...(patientCompartment[type]?.paths ?? []), ...(aboutPatientExtra[type] ?? [])];
  const out: string[] = [];
  for (const p of paths) collectReferences(resource, p.split('.'), 0, out);
  return out;
}

/** The ids of the patients a resource belongs to (a Patient belongs to itself). */
export function patientsOf(resource: { readonly resourceType?: unknown; readonly id?: unknown }): string[] {
  const ids = new Set<string>();
  if (resource.resourceType === 'Patient' && typeof resource.id === 'string') ids.add(resource.id);
  for (const ref of compartmentReferences(resource)) {
    const id = patientIdFromReference(ref);
    if (id !== undefined) ids.add(id);
  }
  return [...ids];
}

/** Is the resource in this patient's compartment? */
export function inPatientCompartment(resource: { readonly resourceType?: unknown; readonly id?: unknown }, patientId: string): boolean {
  return patientsOf(resource).includes(patientId);
}
