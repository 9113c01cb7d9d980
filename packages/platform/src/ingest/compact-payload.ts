import { z } from 'zod';
import type { DecodedSample, DecodeOutcome, SampleRejection } from './decoded-sample.ts';
import { rejectMessage } from './decoded-sample.ts';
import { sampleText, schemaIssueDetail } from './schema-issue-detail.ts';

/** Most samples one compact message may carry; larger batches should be split by the device. */
export const maxSamplesPerMessage = 10_000;

/**
 * One compact sample: `{"code":"8867-4","value":72,"unit":"/min","time":"2026-11-21T10:00:00Z"}`.
 * `code` is a LOINC code, `unit` a UCUM unit (case-sensitive code, e.g. `/min`, `mm[Hg]`, `Cel`),
 * `time` an ISO 8601 date-time with `Z` or an offset (RFC 3339).
 */
export const compactSampleSchema = z.object({
  code: z.string().min(1).max(32),
  value: z.number(),
  unit: z.string().min(1).max(32),
  time: z.iso.datetime({ offset: true }),
});

export const compactMessageSchema = z.object({
  samples: z.array(z.unknown()).min(1).max(maxSamplesPerMessage),
});

export type CompactSample = z.infer<typeof compactSampleSchema>;

/**
 * Decodes a parsed compact message. The message shape is checked first (a bad shape rejects the
 * message); then each sample on its own, so one bad sample never costs the others. Well-formed
 * input, nearly all of it, takes a direct check that accepts only what the schemas accept; anything
 * else goes through the schemas, which also word the rejection.
 */
export function decodeCompact(json: unknown): DecodeOutcome {
  let raw: readonly unknown[];
  if (isCompactMessage(json)) raw = json.samples;
  else {
    const message = compactMessageSchema.safeParse(json);
    if (!message.success) return rejectMessage('schema', schemaIssueDetail(message.error));
    raw = message.data.samples;
  }
  const samples: DecodedSample[] = [];
  const rejections: SampleRejection[] = [];
  for (let index = 0; index < raw.length; index++) {
    const source = raw[index];
    if (isCompactSample(source)) {
      samples.push({ index, code: source.code, value: source.value, unit: source.unit, timeMs: Date.parse(source.time), source });
      continue;
    }
    const parsed = compactSampleSchema.safeParse(source);
    if (!parsed.success) {
      rejections.push({
        index,
        reason: 'schema',
        detail: schemaIssueDetail(parsed.error, `samples.${index}`),
        sampleText: sampleText(source),
      });
      continue;
    }
    const { code, value, unit, time } = parsed.data;
    samples.push({ index, code, value, unit, timeMs: Date.parse(time), source });
  }
  return { samples, rejections };
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function isCompactMessage(json: unknown): json is { samples: unknown[] } {
  if (!isRecord(json)) return false;
  const samples = json.samples;
  return Array.isArray(samples) && samples.length >= 1 && samples.length <= maxSamplesPerMessage;
}

const isShortText = (x: unknown): x is string => typeof x === 'string' && x.length >= 1 && x.length <= 32;

function isCompactSample(x: unknown): x is CompactSample {
  return isRecord(x) && isShortText(x.code) && isShortText(x.unit) && Number.isFinite(x.value) && isRfc3339(x.time);
}

// RFC 3339 §5.6 date-time with seconds, optional fraction, and `Z` or a `±hh:mm` offset: the subset of
// `z.iso.datetime({ offset: true })` devices send.
const dateTime = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/;

function isRfc3339(x: unknown): x is string {
  if (typeof x !== 'string') return false;
  const m = dateTime.exec(x);
  if (m === null) return false;
  const month = field(m, 2);
  const day = field(m, 3);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(field(m, 1), month) &&
    field(m, 4) <= 23 &&
    field(m, 5) <= 59 &&
    field(m, 6) <= 59 &&
    // Offset hours and minutes (absent for Z).
    field(m, 7) <= 23 &&
    field(m, 8) <= 59
  );
}

const field = (m: RegExpExecArray, i: number) => Number(m[i] ?? 0);

/** Gregorian calendar month length (leap years: divisible by 4, except centuries not divisible by 400). */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
