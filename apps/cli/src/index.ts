export { exitCodes, UsageError } from './exit-codes.ts';
export { buildProgram, version } from './program.ts';
