import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

/**
 * The lines of an NDJSON file (FHIR Bulk Data: one resource per line, newline-delimited JSON,
 * ndjson-spec 1.0), streamed: the file is read in chunks and never held whole, so files larger than
 * memory import. `.gz` files are decompressed on the fly. Blank lines are skipped; line numbers
 * count every line from 1.
 */
export interface NdjsonLine {
  readonly line: number;
  readonly text: string;
}

export async function* ndjsonLines(path: string): AsyncGenerator<NdjsonLine> {
  const file = createReadStream(path);
  const input = path.endsWith('.gz') ? file.pipe(createGunzip()) : file;
  // A read or decompression error must end the iteration with that error, not hang it.
  const failed = new Promise<never>((_resolve, reject) => {
    file.on('error', reject);
    input.on('error', reject);
  });
  failed.catch(() => undefined);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  const iterator = lines[Symbol.asyncIterator]();
  let line = 0;
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), failed]);
      if (next.done) return;
      line++;
      const text = next.value;
      if (text.trim() !== '') yield { line, text };
    }
  } finally {
    lines.close();
    file.destroy();
  }
}
