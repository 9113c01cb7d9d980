/**
 * Statement parameters holding a one-dimensional array in PostgreSQL's binary format (the output of
 * array_send, read by array_recv; PostgreSQL source src/backend/utils/adt/arrayfuncs.c): a 32-bit
 * dimension count (0 for an empty array), a 32-bit has-nulls flag and the element type OID, then
 * per dimension its length and lower bound (1), then per element a 32-bit byte length (-1 for
 * NULL) followed by the element's binary send representation. Integers are big-endian.
 *
 * Both engines send byte arrays as binary-format parameters (node-postgres for a Buffer or typed
 * array, PGlite for an ArrayBuffer view), so the server reads such an array without the text array
 * parser, and the client builds it without quoting and escaping every element: for the FHIR batch
 * write (index-insert.ts) that saves about 15 µs of PGlite CPU per resource. The element type must
 * match the parameter's declared type exactly (`$1::bigint[]` takes 'int8'), or array_recv rejects it.
 */
export type BinaryArrayElement = 'int8' | 'int4' | 'float8' | 'bool' | 'text' | 'timestamptz';

type ElementValue<E extends BinaryArrayElement> = E extends 'text' ? string : E extends 'bool' ? boolean : number;

/** pg_type OIDs of the element types (src/include/catalog/pg_type.dat). */
const elementOid: Record<BinaryArrayElement, number> = { int8: 20, int4: 23, float8: 701, bool: 16, text: 25, timestamptz: 1184 };
const fixedWidth: Record<Exclude<BinaryArrayElement, 'text'>, number> = { int8: 8, int4: 4, float8: 8, bool: 1, timestamptz: 8 };

/** timestamptz counts microseconds from 2000-01-01 00:00:00 UTC; its infinities are the int64 extremes. */
const postgresEpochMs = Date.UTC(2000, 0, 1);
const infinityMicros = 0x7fffffffffffffffn;
const minusInfinityMicros = -0x8000000000000000n;

const encoder = new TextEncoder();
/** Scratch space reused by every call (the result is copied out of it), grown as needed up to a cap. */
let scratch = new Uint8Array(64 * 1024);
let scratchView = new DataView(scratch.buffer);
const maxScratchBytes = 16 * 1024 * 1024;

/** Space for `bytes`: the scratch space, or a buffer of its own for an array larger than the cap. */
function room(bytes: number): { bytes: Uint8Array; view: DataView } {
  if (bytes > scratch.length && bytes <= maxScratchBytes) {
    let size = scratch.length * 2;
    while (size < bytes) size *= 2;
    scratch = new Uint8Array(size);
    scratchView = new DataView(scratch.buffer);
  }
  if (bytes <= scratch.length) return { bytes: scratch, view: scratchView };
  const own = new Uint8Array(bytes);
  return { bytes: own, view: new DataView(own.buffer) };
}

/**
 * Encodes `values` as a binary array of `element`. timestamptz elements are epoch milliseconds
 * (±Infinity for PostgreSQL's infinity), int8 elements safe integers and int4 elements 32-bit
 * integers (anything else throws a RangeError); null or undefined is NULL.
 */
export function binaryArray<E extends BinaryArrayElement>(element: E, values: readonly (ElementValue<E> | null | undefined)[]): Uint8Array {
  const n = values.length;
  // Room for the worst case: 3 UTF-8 bytes per UTF-16 unit of text.
  let bound = 20;
  if (element === 'text') for (const v of values) bound += 4 + (typeof v === 'string' ? v.length * 3 : 0);
  else bound += n * (4 + fixedWidth[element as Exclude<BinaryArrayElement, 'text'>]);
  const { bytes, view } = room(bound);
  let hasNull = 0;
  let at = n === 0 ? 12 : 20;
  for (const v of values) {
    if (v === null || v === undefined) {
      hasNull = 1;
      view.setInt32(at, -1);
      at += 4;
      continue;
    }
    switch (element) {
      case 'text': {
        const written = encoder.encodeInto(v as string, bytes.subarray(at + 4)).written;
        view.setInt32(at, written);
        at += 4 + written;
        break;
      }
      case 'int8': {
        // Two 32-bit halves (exact for safe integers; the high half is negative for negative values).
        const x = v as number;
        if (!Number.isSafeInteger(x)) throw new RangeError(`${x} is not an int8 this encoder writes exactly`);
        view.setInt32(at, 8);
        view.setInt32(at + 4, Math.floor(x / 4294967296));
        view.setUint32(at + 8, x >>> 0);
        at += 12;
        break;
      }
      case 'int4':
        if ((v as number) !== ((v as number) | 0)) throw new RangeError(`${v} is not an int4`);
        view.setInt32(at, 4);
        view.setInt32(at + 4, v as number);
        at += 8;
        break;
      case 'float8':
        view.setInt32(at, 8);
        view.setFloat64(at + 4, v as number);
        at += 12;
        break;
      case 'bool':
        view.setInt32(at, 1);
        bytes[at + 4] = v ? 1 : 0;
        at += 5;
        break;
      case 'timestamptz':
        view.setInt32(at, 8);
        view.setBigInt64(at + 4, timestamptzMicros(v as number));
        at += 12;
        break;
    }
  }
  view.setInt32(0, n === 0 ? 0 : 1);
  view.setInt32(4, hasNull);
  view.setInt32(8, elementOid[element]);
  if (n > 0) {
    view.setInt32(12, n);
    view.setInt32(16, 1);
  }
  return bytes.slice(0, at);
}

function timestamptzMicros(epochMs: number): bigint {
  if (epochMs === Number.POSITIVE_INFINITY) return infinityMicros;
  if (epochMs === Number.NEGATIVE_INFINITY) return minusInfinityMicros;
  // Whole milliseconds scaled in integers: beyond 2^53 µs (about the year 2255) a double is not exact.
  const ms = epochMs - postgresEpochMs;
  const whole = Math.floor(ms);
  return BigInt(whole) * 1000n + BigInt(Math.round((ms - whole) * 1000));
}
