// Batch NEWS2 scoring throughput, in process (no file I/O): CSV parse, parse + score, and
// parse + score + CSV format of synthetic vitals rows. Prints one JSON line.
import { CsvStreamParser, createScoreTable, formatCsvRecord, scoreNews2 } from '@vitaltwin/core';

const ROWS = 200_000;
const CHUNK = 1 << 20;

/** Deterministic LCG (Numerical Recipes constants) so every run scores the same rows. */
let seed = 12345;
const rand = (lo: number, hi: number) => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return lo + (seed % (hi - lo + 1));
};

function makeText(): string {
  const lines = ['patient_id,time,rr,spo2,spo2_scale,on_oxygen,sbp,hr,consciousness,temp_c'];
  for (let i = 0; i < ROWS; i++) {
    const rr = rand(0, 49) === 0 ? '' : String(rand(8, 30));
    lines.push(
      `p${i % 5000},2025-01-01T08:${String(i % 60).padStart(2, '0')},${rr},${rand(85, 100)},${rand(1, 4) === 4 ? 2 : 1},${rand(0, 1)},${rand(80, 200)},${rand(40, 140)},${'AAAAAAACVPU'[rand(0, 10)]},${rand(350, 400) / 10}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function run(text: string, mode: 'parse' | 'score' | 'all'): number {
  const parser = new CsvStreamParser();
  let table: ReturnType<typeof createScoreTable> | null = null;
  let sink = 0;
  const t0 = performance.now();
  const handle = (records: { fields: readonly string[] }[]) => {
    for (const r of records) {
      if (mode === 'parse') {
        sink += r.fields.length;
        continue;
      }
      if (table === null) {
        table = createScoreTable('news2', r.fields);
        continue;
      }
      const row = table.scoreRow(r.fields);
      sink += mode === 'all' ? formatCsvRecord(row.cells).length : row.cells.length;
    }
  };
  for (let i = 0; i < text.length; i += CHUNK) handle(parser.push(text.slice(i, i + CHUNK)).records);
  handle(parser.end().records);
  const seconds = (performance.now() - t0) / 1000;
  if (sink === 0) throw new Error('nothing processed');
  return Math.round(ROWS / seconds);
}

function scoreOnly(): number {
  const t0 = performance.now();
  let sink = 0;
  for (let i = 0; i < ROWS; i++) {
    const r = scoreNews2({
      respiratoryRatePerMin: 8 + (i % 23),
      spo2Percent: 85 + (i % 16),
      onSupplementalOxygen: i % 2 === 0,
      systolicBpMmHg: 80 + (i % 121),
      heartRatePerMin: 40 + (i % 101),
      consciousness: 'A',
      temperatureC: 35 + (i % 50) / 10,
    });
    sink += r.partialTotal;
  }
  if (sink < 0) throw new Error('unreachable');
  return Math.round(ROWS / ((performance.now() - t0) / 1000));
}

const text = makeText();
run(text, 'all'); // warm-up
const result = {
  bench: 'score-news2',
  rows: ROWS,
  mb: Math.round(text.length / 1e5) / 10,
  scoreNews2PerSec: scoreOnly(),
  parseRowsPerSec: run(text, 'parse'),
  parseScoreRowsPerSec: run(text, 'score'),
  parseScoreFormatRowsPerSec: run(text, 'all'),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
