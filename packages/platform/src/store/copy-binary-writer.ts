/**
 * Builds COPY input in PostgreSQL's binary format (PostgreSQL docs, COPY, "Binary Format"): the
 * 11-byte signature, a 32-bit flags field and a 32-bit header-extension length, then per row a
 * 16-bit field count and per field a 32-bit byte length followed by the value in the type's binary
 * send/receive representation, and a 16-bit -1 trailer. All integers are big-endian (network order).
 *
 * The server reads such input without parsing text: for device readings that saves the
 * timestamptz and double precision text parsers, about a fifth of PGlite's CPU time per row
 * (measured with 90,000-row COPYs into a table keyed like device_reading: 8.8 µs per row as CSV,
 * 7.0 µs as binary).
 */
const signature = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]; // "PGCOPY\n\377\r\n\0"
/** timestamptz counts microseconds from 2000-01-01 00:00:00 UTC (PostgreSQL's epoch). */
const postgresEpochMs = Date.UTC(2000, 0, 1);

export class CopyBinaryWriter {
  private bytes: Uint8Array<ArrayBuffer>;
  private view: DataView;
  private at = 0;
  private readonly encoder = new TextEncoder();
  /** Encoded text by value: ids, codes and units repeat across the rows of a batch. */
  private readonly texts = new Map<string, Uint8Array<ArrayBuffer>>();

  constructor(initialBytes = 64 * 1024) {
    this.bytes = new Uint8Array(Math.max(64, initialBytes));
    this.view = new DataView(this.bytes.buffer);
    this.bytes.set(signature, 0);
    this.view.setInt32(11, 0); // flags: no OIDs
    this.view.setInt32(15, 0); // header extension length
    this.at = 19;
  }

  row(fields: number): this {
    this.room(2);
    this.view.setInt16(this.at, fields);
    this.at += 2;
    return this;
  }

  /** text (and varchar): the UTF-8 bytes, the database encoding of both engines. */
  text(value: string): this {
    let encoded = this.texts.get(value);
    if (encoded === undefined) {
      encoded = this.encoder.encode(value);
      if (this.texts.size < 10_000) this.texts.set(value, encoded);
    }
    this.room(4 + encoded.length);
    this.view.setInt32(this.at, encoded.length);
    this.bytes.set(encoded, this.at + 4);
    this.at += 4 + encoded.length;
    return this;
  }

  /** double precision: IEEE 754 binary64. */
  float8(value: number): this {
    this.room(12);
    this.view.setInt32(this.at, 8);
    this.view.setFloat64(this.at + 4, value);
    this.at += 12;
    return this;
  }

  int4(value: number): this {
    this.room(8);
    this.view.setInt32(this.at, 4);
    this.view.setInt32(this.at + 4, value);
    this.at += 8;
    return this;
  }

  /** timestamptz from epoch milliseconds (sub-millisecond fractions kept to the microsecond). */
  timestamptzMs(epochMs: number): this {
    this.room(12);
    this.view.setInt32(this.at, 8);
    // Whole milliseconds as an integer and the fraction apart: ms × 1000 as a double would round
    // once past 2^53 µs (the year 2255).
    const sincePostgresEpoch = epochMs - postgresEpochMs;
    const wholeMs = Math.floor(sincePostgresEpoch);
    const micros = BigInt(wholeMs) * 1000n + BigInt(Math.round((sincePostgresEpoch - wholeMs) * 1000));
    this.view.setBigInt64(this.at + 4, micros);
    this.at += 12;
    return this;
  }

  /** The finished COPY input (the writer must not be used afterwards). */
  finish(): Uint8Array<ArrayBuffer> {
    this.room(2);
    this.view.setInt16(this.at, -1);
    this.at += 2;
    return this.bytes.subarray(0, this.at);
  }

  private room(needed: number): void {
    if (this.at + needed <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.at + needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.at));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }
}
