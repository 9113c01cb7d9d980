import { buildProgram } from './program.ts';
import { reportError } from './report-error.ts';

const program = buildProgram();
try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error, process.argv.includes('--verbose'));
}
