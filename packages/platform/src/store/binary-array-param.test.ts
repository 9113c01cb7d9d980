import { describe, expect, it } from 'vitest';
import { binaryArray } from './binary-array-param.ts';

const words = (bytes: Uint8Array, count: number) => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: count }, (_, i) => view.getInt32(i * 4));
};

// Layout of array_send (src/backend/utils/adt/arrayfuncs.c): ndim, has-nulls flag, element OID,
// then per dimension length and lower bound, then per element its length and bytes.
describe('binaryArray', () => {
  it('writes an empty array as zero dimensions and nothing else', () => {
    const bytes = binaryArray('int8', []);
    expect(bytes.length).toBe(12);
    expect(words(bytes, 3)).toEqual([0, 0, 20]);
  });

  it('writes one dimension with lower bound 1, each element after its length', () => {
    const bytes = binaryArray('int4', [7, -1]);
    expect(words(bytes, 9)).toEqual([1, 0, 23, 2, 1, 4, 7, 4, -1]);
  });

  it('flags NULL elements and writes them as length -1', () => {
    const bytes = binaryArray('text', ['a', null]);
    expect(words(bytes, 6)).toEqual([1, 1, 25, 2, 1, 1]);
    expect(bytes[24]).toBe('a'.charCodeAt(0));
    expect(new DataView(bytes.buffer, bytes.byteOffset).getInt32(25)).toBe(-1);
    expect(bytes.length).toBe(29);
  });

  it('writes text as UTF-8 without any quoting', () => {
    const bytes = binaryArray('text', ['"{é,}\\']);
    const length = words(bytes, 6)[5]!;
    expect(new TextDecoder().decode(bytes.subarray(24, 24 + length))).toBe('"{é,}\\');
    expect(bytes.length).toBe(24 + length);
  });

  it('writes int8 as two big-endian halves, negative values included', () => {
    const view = (v: number) => new DataView(binaryArray('int8', [v]).buffer).getBigInt64(24);
    expect(view(2 ** 53 - 1)).toBe(2n ** 53n - 1n);
    expect(view(-5)).toBe(-5n);
    expect(view(4_294_967_296)).toBe(4_294_967_296n);
  });

  it('refuses integers it cannot write exactly', () => {
    expect(() => binaryArray('int8', [1.5])).toThrow(RangeError);
    expect(() => binaryArray('int8', [2 ** 53])).toThrow(RangeError);
    expect(() => binaryArray('int4', [2 ** 31])).toThrow(RangeError);
  });

  it('writes timestamptz as microseconds since 2000 and infinities as the int64 extremes', () => {
    const micros = (ms: number) => new DataView(binaryArray('timestamptz', [ms]).buffer).getBigInt64(24);
    expect(micros(Date.UTC(2000, 0, 1, 0, 0, 1))).toBe(1_000_000n);
    expect(micros(Date.UTC(1999, 11, 31, 23, 59, 59, 999))).toBe(-1000n);
    expect(micros(Date.parse('9999-12-31T23:59:59.999Z'))).toBe(252_455_615_999_999_000n);
    expect(micros(Date.UTC(2000, 0, 1) + 0.25)).toBe(250n);
    expect(micros(Number.POSITIVE_INFINITY)).toBe(2n ** 63n - 1n);
    expect(micros(Number.NEGATIVE_INFINITY)).toBe(-(2n ** 63n));
  });

  it('encodes an array larger than the reusable scratch space', () => {
    const big = 'é'.repeat(3_000_000);
    const bytes = binaryArray('text', [big, 'x']);
    const first = words(bytes, 6)[5]!;
    expect(first).toBe(6_000_000);
    expect(new TextDecoder().decode(bytes.subarray(24, 24 + first))).toBe(big);
    expect(bytes.length).toBe(24 + first + 4 + 1);
  });

  it('returns bytes of their own, not a view of the shared scratch space', () => {
    const first = binaryArray('int4', [1]);
    binaryArray('int4', [2]);
    expect(first.byteOffset).toBe(0);
    expect(first.buffer.byteLength).toBe(first.length);
    expect(new DataView(first.buffer).getInt32(24)).toBe(1);
  });
});
