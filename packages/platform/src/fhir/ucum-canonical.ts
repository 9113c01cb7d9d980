/**
 * Canonical form of UCUM units for quantity search (FHIR R4 search 3.1.1.4.6: a server "may"
 * compare quantities in different units of the same dimension). A unit is reduced to a factor and
 * a product of base dimensions, so `mg/dL`, `g/L` and `kg/m3` meet as `g.m-3` and 100 mg/dL equals
 * 1 g/L. This covers the UCUM grammar's common core (The Unified Code for Units of Measure,
 * ucum.org, §2-§4): metric prefixes, products with `.`, one `/`, integer exponents, `10*n`, curly
 * annotations (dimensionless) and the atoms in the table below. Anything else is left uncanonical
 * and then only matches the same unit code exactly.
 */
export const ucumSystemUrl = 'http://unitsofmeasure.org';

export interface CanonicalQuantity {
  readonly value: number;
  readonly code: string;
}

type Dimensions = Record<string, number>;
interface UnitTerm {
  readonly factor: number;
  readonly dims: Dimensions;
}

// Factors to the base units g, m, s, mol, K, plus arbitrary-unit dimensions kept as themselves.
// Sources: UCUM tables 1-7 (base units, SI derived units, clinical units: m[Hg] = 133.322 kPa,
// [lb_av] = 453.59237 g, [in_i] = 2.54 cm, mo = mean Julian month, a = Julian year).
const atoms: Readonly<Record<string, UnitTerm>> = {
  g: { factor: 1, dims: { g: 1 } },
  m: { factor: 1, dims: { m: 1 } },
  s: { factor: 1, dims: { s: 1 } },
  mol: { factor: 1, dims: { mol: 1 } },
  K: { factor: 1, dims: { K: 1 } },
  L: { factor: 1e-3, dims: { m: 3 } },
  l: { factor: 1e-3, dims: { m: 3 } },
  min: { factor: 60, dims: { s: 1 } },
  h: { factor: 3600, dims: { s: 1 } },
  d: { factor: 86_400, dims: { s: 1 } },
  wk: { factor: 604_800, dims: { s: 1 } },
  mo: { factor: 2_629_800, dims: { s: 1 } },
  a: { factor: 31_557_600, dims: { s: 1 } },
  Pa: { factor: 1000, dims: { g: 1, m: -1, s: -2 } },
  'm[Hg]': { factor: 133_322_000, dims: { g: 1, m: -1, s: -2 } },
  '[lb_av]': { factor: 453.592_37, dims: { g: 1 } },
  '[oz_av]': { factor: 28.349_523_125, dims: { g: 1 } },
  '[in_i]': { factor: 0.0254, dims: { m: 1 } },
  '[ft_i]': { factor: 0.3048, dims: { m: 1 } },
  '%': { factor: 0.01, dims: {} },
  '[iU]': { factor: 1, dims: { '[iU]': 1 } },
  U: { factor: 1, dims: { U: 1 } },
  eq: { factor: 1, dims: { eq: 1 } },
};

const prefixes: Readonly<Record<string, number>> = {
  k: 1e3,
  h: 1e2,
  da: 1e1,
  d: 1e-1,
  c: 1e-2,
  m: 1e-3,
  u: 1e-6,
  n: 1e-9,
  p: 1e-12,
  f: 1e-15,
};

/** Units measured from an offset zero (temperature scales) convert to kelvin on their own. */
const affine: Readonly<Record<string, { offset: number; scale: number }>> = {
  Cel: { offset: 273.15, scale: 1 },
  '[degF]': { offset: 459.67, scale: 5 / 9 },
};

/** The value in canonical units, or undefined when the unit is outside the supported grammar. */
export function canonicalQuantity(value: number, unit: string): CanonicalQuantity | undefined {
  // Own keys only: a unit text such as `constructor` must not reach Object.prototype.
  const temperature = Object.hasOwn(affine, unit) ? affine[unit] : undefined;
  if (temperature) return { value: (value + temperature.offset) * temperature.scale, code: 'K' };
  let parsed = parsedUnits.get(unit);
  if (parsed === undefined) {
    const term = parseUnit(unit);
    parsed = term ? { factor: term.factor, code: dimensionCode(term.dims) } : null;
    if (parsedUnits.size >= parsedUnitsLimit) parsedUnits.clear();
    parsedUnits.set(unit, parsed);
  }
  return parsed ? { value: value * parsed.factor, code: parsed.code } : undefined;
}

/** Factor and canonical code by unit (null: not supported): a store sees few distinct units, each parsed once. */
const parsedUnits = new Map<string, { readonly factor: number; readonly code: string } | null>();
const parsedUnitsLimit = 10_000;

function parseUnit(unit: string): UnitTerm | undefined {
  if (unit === '' || unit.length > 40) return undefined;
  const slash = unit.indexOf('/');
  if (slash !== unit.lastIndexOf('/')) return undefined;
  const numerator = slash < 0 ? unit : unit.slice(0, slash);
  const denominator = slash < 0 ? '' : unit.slice(slash + 1);
  const top = numerator === '' ? { factor: 1, dims: {} } : parseProduct(numerator);
  const bottom = denominator === '' ? { factor: 1, dims: {} } : parseProduct(denominator);
  if (!top || !bottom || (slash >= 0 && denominator === '')) return undefined;
  const dims: Dimensions = { ...top.dims };
  for (const [dim, power] of Object.entries(bottom.dims)) dims[dim] = (dims[dim] ?? 0) - power;
  return { factor: top.factor / bottom.factor, dims };
}

function parseProduct(text: string): UnitTerm | undefined {
  let factor = 1;
  const dims: Dimensions = {};
  for (const part of text.split('.')) {
    const term = parseComponent(part);
    if (!term) return undefined;
    factor *= term.factor;
    for (const [dim, power] of Object.entries(term.dims)) dims[dim] = (dims[dim] ?? 0) + power;
  }
  return { factor, dims };
}

function parseComponent(text: string): UnitTerm | undefined {
  const annotation = /\{[^}]*\}$/.exec(text);
  const core = annotation ? text.slice(0, annotation.index) : text;
  if (core === '' || core === '1') return annotation || core === '1' ? { factor: 1, dims: {} } : undefined;
  const power = /^10[*^]([+-]?\d+)$/.exec(core);
  if (power) return { factor: 10 ** Number(power[1]), dims: {} };
  const exp = /^(.*?)([+-]?\d+)$/.exec(core);
  const base = exp && !core.endsWith(']') ? exp[1]! : core;
  const exponent = exp && !core.endsWith(']') ? Number(exp[2]) : 1;
  const atom = resolveAtom(base);
  if (!atom) return undefined;
  const dims: Dimensions = {};
  for (const [dim, p] of Object.entries(atom.dims)) dims[dim] = p * exponent;
  return { factor: atom.factor ** exponent, dims };
}

function resolveAtom(text: string): UnitTerm | undefined {
  const direct = Object.hasOwn(atoms, text) ? atoms[text] : undefined;
  if (direct) return direct;
  for (const [prefix, scale] of Object.entries(prefixes)) {
    if (!text.startsWith(prefix)) continue;
    const rest = text.slice(prefix.length);
    const atom = Object.hasOwn(atoms, rest) ? atoms[rest] : undefined;
    // Prefixes apply to metric atoms only (UCUM §3.2); bracketed customary units take none.
    if (atom && !rest.startsWith('[')) return { factor: atom.factor * scale, dims: atom.dims };
  }
  return undefined;
}

function dimensionCode(dims: Dimensions): string {
  const parts = Object.entries(dims)
    .filter(([, power]) => power !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([dim, power]) => (power === 1 ? dim : `${dim}${power}`));
  return parts.length === 0 ? '1' : parts.join('.');
}
