// `npm run bench`: runs every bench/*.bench.ts in turn; each prints one JSON line of figures.
// BENCH_FILTER=name runs only the benchmarks whose file name contains it.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const filter = process.env.BENCH_FILTER ?? '';
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort((a, b) => a.localeCompare(b));
let failed = 0;
for (const file of files) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${file}`], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (run.status !== 0) {
    failed += 1;
    process.stderr.write(`bench ${file} failed with exit code ${run.status}\n`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
