import type { z } from 'zod';

const maxDetailLength = 300;

/** One line describing the first schema issues (path and message), without echoing input values. */
export function schemaIssueDetail(error: z.ZodError, prefix = ''): string {
  const parts = error.issues.slice(0, 3).map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
    return `${path || '(root)'}: ${issue.message}`;
  });
  const more = error.issues.length > 3 ? ` (+${error.issues.length - 3} more)` : '';
  return truncate(`${parts.join('; ')}${more}`, maxDetailLength);
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const maxSampleTextLength = 4096;

/** The JSON text of a rejected sample, capped so one huge sample cannot bloat the dead-letter table. */
export function sampleText(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return truncate(text, maxSampleTextLength);
}
