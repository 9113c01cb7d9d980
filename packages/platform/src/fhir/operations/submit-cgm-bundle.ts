import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import { readingsFromCgmBundle, VitaltwinError } from '@vitaltwin/core';
import { TimeSeriesStore } from '../../store/time-series-store.ts';
import type { BundleOptions } from '../bundle-processor.ts';
import { processBundle } from '../bundle-processor.ts';
import type { FhirStoreContext } from '../fhir-store-context.ts';

/**
 * `POST [base]/$submit-cgm-bundle` (HL7 CGM IG hl7.fhir.uv.cgm 1.0.0, "Data Submission"): a Bundle
 * of CGM sensor readings (LOINC 99504-3 mg/dL, 105272-9 mmol/L) plus summary Observations, a
 * DiagnosticReport, the Device and possibly the Patient. Sensor readings go to the device time
 * series (one compact row each, readable back as Observations); every other entry is processed
 * as a transaction (so urn:uuid references resolve), and reading subjects that point at entries
 * are mapped to the ids assigned. Readings are stored in mg/dL under LOINC 99504-3.
 */
export interface CgmSubmission {
  readonly readings: number;
  readonly duplicates: number;
  readonly resources: number;
  readonly outcome: OperationOutcome;
}

const cgmMassLoinc = '99504-3';
const readingCodes = new Set(['99504-3', '105272-9']);

export async function submitCgmBundle(store: FhirStoreContext, body: unknown, options: BundleOptions): Promise<CgmSubmission> {
  const bundle = body as Bundle;
  if (bundle?.resourceType !== 'Bundle')
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'expected a Bundle', [{ message: 'not a Bundle', expression: 'Bundle' }]);
  const { readings, problems } = readingsFromCgmBundle(bundle);
  const errors = problems.filter((p) => p.severity !== 'warning');
  if (errors.length > 0) throw new VitaltwinError('VT_ERR_VALIDATION', 'the CGM bundle has invalid sensor readings', errors);
  const isReading = (resource: unknown) => {
    const r = resource as { resourceType?: string; code?: { coding?: { system?: string; code?: string }[] } } | undefined;
    return (
      r?.resourceType === 'Observation' &&
      (r.code?.coding ?? []).some((c) => c.system === 'http://loinc.org' && readingCodes.has(c.code ?? ''))
    );
  };
  const others = (bundle.entry ?? []).filter((e) => !isReading(e.resource));
  const withRequests = others.map((e) => ({
    ...e,
    request: e.request ?? { method: 'POST' as const, url: e.resource?.resourceType ?? '' },
  }));
  const fullUrls = new Map<string, string>();
  let written = 0;
  if (withRequests.length > 0) {
    const response = await processBundle(
      store,
      { resourceType: 'Bundle', type: 'transaction', entry: withRequests },
      { ...options, representation: false },
    );
    response.entry?.forEach((r, i) => {
      const location = r.response?.location?.replace(/\/_history\/.*$/, '');
      const fullUrl = withRequests[i]?.fullUrl;
      if (location && fullUrl) fullUrls.set(fullUrl, location);
      if (location) written++;
    });
  }
  const devices = [...fullUrls.values()].filter((l) => l.startsWith('Device/'));
  const deviceId = devices.length === 1 ? devices[0]!.slice('Device/'.length) : '';
  const rows = [];
  for (const r of readings) {
    const ref = fullUrls.get(r.subjectId) ?? r.subjectId;
    const patientId = ref.startsWith('Patient/') ? ref.slice('Patient/'.length) : undefined;
    if (!patientId) {
      throw new VitaltwinError('VT_ERR_VALIDATION', 'a sensor reading names no Patient', [
        { message: `subject ${JSON.stringify(r.subjectId.slice(0, 60))} is not a Patient reference`, expression: 'Observation.subject' },
      ]);
    }
    rows.push({ patientId, code: cgmMassLoinc, timeMs: r.timeMs, value: r.glucoseMgDl, unit: 'mg/dL', deviceId });
  }
  const series = new TimeSeriesStore(store.db);
  const inserted = rows.length > 0 ? await series.write(rows) : 0;
  const note = `${inserted} CGM readings stored (${rows.length - inserted} already present), ${written} other resources written`;
  return {
    readings: inserted,
    duplicates: rows.length - inserted,
    resources: written,
    outcome: {
      resourceType: 'OperationOutcome',
      issue: [
        { severity: 'information', code: 'informational', diagnostics: note, details: { text: note } },
        ...problems
          .filter((p) => p.severity === 'warning')
          .map((p) => ({
            severity: 'warning' as const,
            code: 'informational' as const,
            diagnostics: p.message,
            ...(p.expression ? { expression: [p.expression] } : {}),
          })),
      ],
    },
  };
}
