import { fhirIdPattern } from '@vitaltwin/core';
import type { PayloadFormat } from './decoded-sample.ts';

/**
 * MQTT topic scheme for device ingest (docs/ingest.md):
 *   {root}/devices/{deviceId}/readings   compact samples (LOINC code, UCUM unit, ISO time)
 *   {root}/devices/{deviceId}/omh        Open mHealth data point(s) (IEEE 1752.1 header/body)
 *   {root}/devices/{deviceId}/fhir       FHIR R4 Observation or Bundle of Observations
 * `root` defaults to `vitaltwin`; deployments sharing a broker choose their own.
 */
export const defaultTopicRoot = 'vitaltwin';

const suffixFormat: Readonly<Record<string, PayloadFormat>> = { readings: 'compact', omh: 'omh', fhir: 'fhir' };

const formatSuffix: Readonly<Record<PayloadFormat, string>> = { compact: 'readings', omh: 'omh', fhir: 'fhir' };

export type ParsedTopic =
  /** Not a device-ingest topic at all: the broker handles it as any other topic. */
  | { readonly kind: 'other' }
  /** Under `{root}/devices/` but not an ingest topic, or with an invalid device id. */
  | { readonly kind: 'invalid'; readonly deviceId?: string; readonly detail: string }
  | { readonly kind: 'ingest'; readonly deviceId: string; readonly format: PayloadFormat };

export function parseIngestTopic(topic: string, root: string = defaultTopicRoot): ParsedTopic {
  const prefix = `${root}/devices/`;
  if (!topic.startsWith(prefix)) return { kind: 'other' };
  const rest = topic.slice(prefix.length).split('/');
  if (rest.length !== 2) return { kind: 'invalid', detail: `expected ${prefix}{deviceId}/{readings|omh|fhir}` };
  const [deviceId, suffix] = rest as [string, string];
  const format = Object.hasOwn(suffixFormat, suffix) ? suffixFormat[suffix] : undefined;
  if (!fhirIdPattern.test(deviceId)) return { kind: 'invalid', detail: 'device id is not a FHIR id ([A-Za-z0-9-.]{1,64})' };
  if (format === undefined) return { kind: 'invalid', deviceId, detail: `unknown topic suffix; expected readings, omh or fhir` };
  return { kind: 'ingest', deviceId, format };
}

export function ingestTopic(deviceId: string, format: PayloadFormat, root: string = defaultTopicRoot): string {
  return `${root}/devices/${deviceId}/${formatSuffix[format]}`;
}

/** The subscription filter that covers every ingest topic (and the invalid ones, so they are dead-lettered). */
export function ingestSubscription(root: string = defaultTopicRoot): string {
  return `${root}/devices/+/+`;
}
