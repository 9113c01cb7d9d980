/**
 * Timestamps in CGM exports. Dexcom Clarity writes local wall-clock time without a zone
 * (`2016-10-24T11:24:17`), so the importer must be told how local time relates to UTC.
 *
 * Project rule: an unzoned timestamp is read as local time at a fixed `timeZoneOffsetMin` (minutes
 * east of UTC, e.g. +60 for CET, −300 for EST); the default 0 treats it as UTC. A fixed offset
 * cannot follow daylight-saving changes within an export; a timestamp that carries its own zone
 * (`Z`, `+02:00`, `-0500`) uses that zone and ignores the option. ISO 8601 / RFC 3339 shapes
 * accepted: `YYYY-MM-DD` then `T` or a space, `hh:mm`, optional `:ss` and fraction, optional zone.
 */

const pattern = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parses a timestamp to ms since the epoch (UTC), or returns undefined when the text is not a valid
 * date-time (including impossible dates such as 2023-02-30 or 24:00).
 */
export function parseCgmTimestamp(text: string, timeZoneOffsetMin = 0): number | undefined {
  const m = pattern.exec(text.trim());
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const fractionMs = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const wallMs = Date.UTC(year, month - 1, day, hour, minute, second) + fractionMs;
  // Date.UTC rolls 2023-02-30 over to March: reject instead of silently moving the reading.
  if (new Date(wallMs).getUTCDate() !== day) return undefined;
  const zone = m[8];
  const offsetMin = zone === undefined ? timeZoneOffsetMin : zoneOffsetMin(zone);
  return wallMs - offsetMin * 60_000;
}

function zoneOffsetMin(zone: string): number {
  if (zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes);
}

/** Formats an instant as `YYYY-MM-DD hh:mm` in local time at a fixed offset (for reports). */
export function formatLocalMinute(timeMs: number, timeZoneOffsetMin = 0): string {
  const d = new Date(timeMs + timeZoneOffsetMin * 60_000);
  const pad = (v: number): string => String(v).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}
