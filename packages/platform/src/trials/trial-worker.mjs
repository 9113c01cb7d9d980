// Worker threads on Node 20 cannot load TypeScript: register tsx in this thread, then load the worker.
import { register } from 'tsx/esm/api';

register();
await import('./trial-worker.ts');
