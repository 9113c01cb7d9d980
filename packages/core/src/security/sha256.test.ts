import { describe, expect, it } from 'vitest';
import { hmacSha256, sha256, toHex, utf8Bytes } from './sha256.ts';

const ascii = (s: string) => utf8Bytes(s);
const repeat = (byte: number, n: number) => new Uint8Array(n).fill(byte);

describe('SHA-256 (FIPS 180-4 example messages)', () => {
  it('hashes the empty string, "abc" and the two-block message', () => {
    expect(toHex(sha256(ascii('')))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(sha256(ascii('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(sha256(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('hashes one million "a"', () => {
    expect(toHex(sha256(repeat(0x61, 1_000_000)))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });
});

describe('HMAC-SHA-256 (RFC 4231 test cases)', () => {
  it('case 1: 20-byte key', () => {
    expect(toHex(hmacSha256(repeat(0x0b, 20), ascii('Hi There')))).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
  });
  it('case 2: short key', () => {
    expect(toHex(hmacSha256(ascii('Jefe'), ascii('what do ya want for nothing?')))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
  it('case 6: key longer than the block is hashed first', () => {
    expect(toHex(hmacSha256(repeat(0xaa, 131), ascii('Test Using Larger Than Block-Size Key - Hash Key First')))).toBe(
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    );
  });
});

describe('UTF-8 encoding (RFC 3629)', () => {
  it('encodes 1- to 4-byte characters and replaces lone surrogates', () => {
    expect([...utf8Bytes('aé€😀')]).toEqual([0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]);
    expect([...utf8Bytes('\ud800x')]).toEqual([0xef, 0xbf, 0xbd, 0x78]);
  });
});
