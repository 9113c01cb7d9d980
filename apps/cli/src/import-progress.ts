import type { ImportProblem, ImportProgress } from '@vitaltwin/platform';
import { formatProblem } from '@vitaltwin/platform';
import cliProgress from 'cli-progress';

/**
 * Progress of `vitaltwin import` on stderr: a bar over files with resources and resources/s when
 * stderr is a terminal, nothing otherwise (logs and pipes get the problems and the summary only).
 * Problems print as they are found, above the bar.
 */
export class ImportProgressDisplay {
  private readonly bar: cliProgress.SingleBar | undefined;
  private readonly started = performance.now();

  constructor(enabled: boolean, filesTotal: number) {
    if (!enabled || process.stderr.isTTY !== true) return;
    this.bar = new cliProgress.SingleBar(
      {
        format: 'import |{bar}| {value}/{total} files | {resources} resources | {rate} resources/s',
        hideCursor: true,
        // Problems print above the bar and may be longer than the terminal is wide.
        linewrap: true,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(filesTotal, 0, { resources: 0, rate: 0 });
  }

  update(p: ImportProgress): void {
    const seconds = (performance.now() - this.started) / 1000;
    this.bar?.update(p.filesDone, { resources: p.resources, rate: seconds > 0 ? Math.round(p.resources / seconds) : 0 });
  }

  problem(p: ImportProblem): void {
    const line = `${formatProblem(p)}\n`;
    if (this.bar?.isActive) {
      // Clear the bar's line, print, and let the next update redraw it.
      process.stderr.write(`\r\x1b[K${line}`);
    } else process.stderr.write(line);
  }

  stop(): void {
    this.bar?.stop();
  }
}
