#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so `npx vitaltwin` works right after `npm ci`
// with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
