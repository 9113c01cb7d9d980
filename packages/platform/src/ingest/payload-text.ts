const utf8 = new TextDecoder('utf-8', { fatal: true });

export type PayloadText = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly base64: string };

/** Payload bytes as UTF-8 text (RFC 8259 §8.1: JSON exchanged between systems is UTF-8), or base64 when they are not UTF-8. */
export function payloadText(payload: string | Uint8Array): PayloadText {
  if (typeof payload === 'string') return { ok: true, text: payload };
  try {
    return { ok: true, text: utf8.decode(payload) };
  } catch {
    return { ok: false, base64: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64') };
  }
}

export function payloadBytes(payload: string | Uint8Array): number {
  return typeof payload === 'string' ? Buffer.byteLength(payload, 'utf8') : payload.byteLength;
}

/** Text kept in a dead letter for a payload over the size limit. */
export const keptPrefixChars = 65_536;

/** The payload as dead-letter text: UTF-8 as is, anything else as base64. */
export function payloadForLetter(payload: string | Uint8Array, maxChars = Number.POSITIVE_INFINITY): string {
  const decoded = payloadText(payload);
  const text = decoded.ok ? decoded.text : `base64:${decoded.base64}`;
  return text.length > maxChars ? text.slice(0, maxChars) : text;
}
