import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { VitaltwinError } from '@vitaltwin/core';

/**
 * An embedded PGlite data directory must be opened by one process at a time: two writers corrupt it.
 * The lock file holds the owner's pid; a lock left by a dead process (crash, kill -9) is taken over.
 */
export interface DataDirLock {
  release(): Promise<void>;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Directories locked by this process: a second open inside the same process is refused too.
const heldByThisProcess = new Set<string>();

export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  if (heldByThisProcess.has(dataDir)) {
    throw new VitaltwinError('VT_ERR_CONFIG', `data directory ${dataDir} is already open in this process`);
  }
  try {
    await mkdir(dataDir, { recursive: true });
  } catch (error) {
    throw new VitaltwinError(
      'VT_ERR_CONFIG',
      `cannot create data directory ${dataDir} (${(error as NodeJS.ErrnoException).code ?? 'error'}); choose a writable --data-dir`,
    );
  }
  const lockPath = join(dataDir, 'vitaltwin.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      heldByThisProcess.add(dataDir);
      return {
        release: async () => {
          heldByThisProcess.delete(dataDir);
          await rm(lockPath, { force: true });
        },
      };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
        throw new VitaltwinError('VT_ERR_CONFIG', `data directory ${dataDir} is not writable; choose a writable --data-dir`);
      }
      if (code !== 'EEXIST') throw error;
      const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processAlive(owner)) {
        throw new VitaltwinError(
          'VT_ERR_CONFIG',
          `data directory ${dataDir} is in use by process ${owner} (a running server?); stop it, use another --data-dir, or send the command to the server with --server URL`,
        );
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new VitaltwinError('VT_ERR_CONFIG', `could not lock data directory ${dataDir}`);
}
