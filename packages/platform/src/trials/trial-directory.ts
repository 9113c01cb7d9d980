import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VitaltwinError } from '@vitaltwin/core';
import { type ShardResult, shardFormat } from './shard-runner.ts';
import type { TrialProtocol } from './trial-protocol-schema.ts';

/**
 * The on-disk layout of a trial run (the `--out DIR`):
 *
 *   DIR/protocol.json          normalised protocol + its hash (written first)
 *   DIR/shards/shard-00012.json one file per finished shard (written atomically: temp file + rename)
 *   DIR/summary.json, patients.csv, report.html   written when every shard is done
 *   DIR/run.json               wall-clock facts of the last run (not part of the reproducible result)
 *
 * A re-run with the same protocol skips every shard whose file exists and carries the protocol hash;
 * a directory that holds another protocol's results is refused (never mixed).
 */
export const protocolFileFormat = 'vitaltwin.trial-protocol/1';

export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function shardPath(dir: string, index: number): string {
  return join(dir, 'shards', `shard-${String(index).padStart(5, '0')}.json`);
}

export class TrialDirectory {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Creates the layout or checks that an existing one belongs to this protocol. */
  prepare(protocol: TrialProtocol, hash: string): { resumed: boolean } {
    mkdirSync(join(this.dir, 'shards'), { recursive: true });
    const path = join(this.dir, 'protocol.json');
    let existing: { protocolHash?: unknown } | null = null;
    try {
      existing = JSON.parse(readFileSync(path, 'utf8')) as { protocolHash?: unknown };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new VitaltwinError('VT_ERR_CONFLICT', `${path} exists but is not a readable trial protocol; use another output directory`);
      }
    }
    if (existing) {
      if (existing.protocolHash !== hash) {
        throw new VitaltwinError(
          'VT_ERR_CONFLICT',
          `${this.dir} holds results of another protocol (hash ${String(existing.protocolHash).slice(0, 12)}…, this one ${hash.slice(0, 12)}…); use another output directory or delete it`,
        );
      }
      return { resumed: true };
    }
    writeFileAtomic(path, `${JSON.stringify({ format: protocolFileFormat, protocolHash: hash, protocol }, null, 2)}\n`);
    return { resumed: false };
  }

  /** Indices of valid finished shards (readable, right format and protocol hash). */
  finishedShards(hash: string): Set<number> {
    const done = new Set<number>();
    let names: string[] = [];
    try {
      names = readdirSync(join(this.dir, 'shards'));
    } catch {
      return done;
    }
    for (const name of names) {
      const m = /^shard-(\d{5,})\.json$/.exec(name);
      if (!m) continue;
      const r = this.readShard(Number(m[1]));
      if (r && r.protocolHash === hash) done.add(r.shardIndex);
    }
    return done;
  }

  readShard(index: number): ShardResult | null {
    try {
      const r = JSON.parse(readFileSync(shardPath(this.dir, index), 'utf8')) as ShardResult;
      return r.format === shardFormat && r.shardIndex === index ? r : null;
    } catch {
      return null;
    }
  }

  writeShard(result: ShardResult): void {
    writeFileAtomic(shardPath(this.dir, result.shardIndex), JSON.stringify(result));
  }

  writeText(name: string, text: string): void {
    writeFileAtomic(join(this.dir, name), text);
  }
}
