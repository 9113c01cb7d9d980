import { z } from 'zod';
import type { DecodedSample, DecodeOutcome, SampleRejection } from './decoded-sample.ts';
import { rejectMessage } from './decoded-sample.ts';
import { sampleText, schemaIssueDetail } from './schema-issue-detail.ts';

/**
 * Open mHealth data points (IEEE 1752.1-2021 metadata; OMH schema library): a `header` naming the
 * schema in `schema_id`, and a `body` with unit-value pairs and an `effective_time_frame`. A message
 * on the `omh` topic is one data point or a JSON array of data points. Index of a sample = position
 * of its data point in the array (0 for a single data point).
 */
const maxDataPoints = 10_000;

const unitValue = z.object({ value: z.number(), unit: z.string().min(1).max(32) });

const dateTime = z.iso.datetime({ offset: true });

/** `date_time`, or a `time_interval` (start and/or end); an interval is stored at its end, else its start. */
const effectiveTimeFrame = z.union([
  z.object({ date_time: dateTime }),
  z.object({
    time_interval: z
      .object({ start_date_time: dateTime.optional(), end_date_time: dateTime.optional() })
      .refine((t) => t.start_date_time !== undefined || t.end_date_time !== undefined, 'needs start_date_time or end_date_time'),
  }),
]);

const header = z.object({
  schema_id: z.object({ namespace: z.string(), name: z.string(), version: z.string() }),
});

const dataPoint = z.object({ header, body: z.object({ effective_time_frame: effectiveTimeFrame }).loose() });

/** The OMH schemas device ingest reads, each with the LOINC code of each unit-value field in its body. */
const schemaFields: Readonly<Record<string, readonly (readonly [field: string, loinc: string])[]>> = {
  'heart-rate': [['heart_rate', '8867-4']],
  'respiratory-rate': [['respiratory_rate', '9279-1']],
  'oxygen-saturation': [['oxygen_saturation', '2708-6']],
  'body-temperature': [['body_temperature', '8310-5']],
  'blood-pressure': [
    ['systolic_blood_pressure', '8480-6'],
    ['diastolic_blood_pressure', '8462-4'],
  ],
  'blood-glucose': [['blood_glucose', '2339-0']],
};

export const omhSchemaNames: readonly string[] = Object.keys(schemaFields);

/** Maps an Open mHealth unit name (`beats/min`, `mmHg`, `C`) to UCUM; undefined when unknown. */
export type OmhUnitMapper = (omhUnit: string) => string | undefined;

export function decodeOmh(json: unknown, ucumForOmhUnit: OmhUnitMapper): DecodeOutcome {
  const points = Array.isArray(json) ? json : [json];
  if (points.length === 0) return rejectMessage('schema', 'empty array of data points');
  if (points.length > maxDataPoints) return rejectMessage('schema', `more than ${maxDataPoints} data points`);
  const samples: DecodedSample[] = [];
  const rejections: SampleRejection[] = [];
  for (let index = 0; index < points.length; index++) {
    const point = points[index];
    const prefix = Array.isArray(json) ? String(index) : '';
    const parsed = dataPoint.safeParse(point);
    if (!parsed.success) {
      rejections.push({ index, reason: 'schema', detail: schemaIssueDetail(parsed.error, prefix), sampleText: sampleText(point) });
      continue;
    }
    const { name } = parsed.data.header.schema_id;
    const fields = Object.hasOwn(schemaFields, name) ? schemaFields[name] : undefined;
    if (fields === undefined) {
      rejections.push({
        index,
        reason: 'unknown-code',
        detail: `Open mHealth schema "${name.slice(0, 40)}" is not ingested`,
        sampleText: sampleText(point),
      });
      continue;
    }
    const body = parsed.data.body;
    const frame = body.effective_time_frame;
    const time = 'date_time' in frame ? frame.date_time : (frame.time_interval.end_date_time ?? frame.time_interval.start_date_time);
    const values: { code: string; value: number; unit: string }[] = [];
    let problem: string | undefined;
    for (const [field, code] of fields) {
      const pair = unitValue.safeParse(body[field]);
      if (!pair.success) {
        problem = schemaIssueDetail(pair.error, [prefix, 'body', field].filter((p) => p !== '').join('.'));
        break;
      }
      values.push({ code, value: pair.data.value, unit: ucumForOmhUnit(pair.data.unit) ?? pair.data.unit });
    }
    if (problem !== undefined) {
      rejections.push({ index, reason: 'schema', detail: problem, sampleText: sampleText(point) });
      continue;
    }
    const timeMs = Date.parse(time as string);
    for (const v of values) samples.push({ index, ...v, timeMs, source: point });
  }
  return { samples, rejections };
}
