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
 * message); then each sample on its own, so one bad sample never costs the others.
 */
export function decodeCompact(json: unknown): DecodeOutcome {
  const message = compactMessageSchema.safeParse(json);
  if (!message.success) return rejectMessage('schema', schemaIssueDetail(message.error));
  const samples: DecodedSample[] = [];
  const rejections: SampleRejection[] = [];
  const raw = message.data.samples;
  for (let index = 0; index < raw.length; index++) {
    const parsed = compactSampleSchema.safeParse(raw[index]);
    if (!parsed.success) {
      rejections.push({
        index,
        reason: 'schema',
        detail: schemaIssueDetail(parsed.error, `samples.${index}`),
        sampleText: sampleText(raw[index]),
      });
      continue;
    }
    const { code, value, unit, time } = parsed.data;
    samples.push({ index, code, value, unit, timeMs: Date.parse(time), source: raw[index] });
  }
  return { samples, rejections };
}
