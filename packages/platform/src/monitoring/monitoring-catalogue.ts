import type { CatalogueVerdict, ReadingCatalogue } from '../ingest/reading-catalogue.ts';
import { type ContextCodeSpec, contextCodeSpecs } from './monitoring-codes.ts';

const byCode: ReadonlyMap<string, ContextCodeSpec> = new Map(contextCodeSpecs.map((s) => [s.code, s]));

/**
 * Device ingest's catalogue extended with the monitoring context codes (oxygen, ACVPU, GCS, fall;
 * see monitoring-codes.ts), so devices can report them like any vital sign. Values outside a
 * code's range, or not whole where a whole number is required, are rejected as implausible.
 */
export function withMonitoringCodes(base: ReadingCatalogue): ReadingCatalogue {
  return {
    isKnownCode: (code) => byCode.has(code) || base.isKnownCode(code),
    normalise(code, value, unit): CatalogueVerdict {
      const spec = byCode.get(code);
      if (spec === undefined) return base.normalise(code, value, unit);
      if (!spec.units.includes(unit)) {
        return {
          ok: false,
          reason: 'wrong-unit',
          detail: `unit "${unit.slice(0, 32)}" is not accepted for ${spec.label} (${code}); use ${spec.units.join(', ')}`,
        };
      }
      if (!Number.isFinite(value) || value < spec.min || value > spec.max || (spec.integer && !Number.isInteger(value))) {
        return {
          ok: false,
          reason: 'implausible',
          detail: `${spec.label} must be ${spec.integer ? 'a whole number' : 'a number'} from ${spec.min} to ${spec.max} ${spec.unit}`,
        };
      }
      return { ok: true, reading: { code, value, unit: spec.unit } };
    },
    ucumForOmhUnit: base.ucumForOmhUnit,
  };
}
