import type { Resource } from '@medplum/fhirtypes';
import type { ProblemDetail } from '@vitaltwin/core';
import type { ImportItem, ImportUnit } from './import-item.ts';
import { type ImportProblem, problemAt, problemsOfError } from './import-problem.ts';
import { ImportReferences, type UnresolvedPolicy } from './import-references.ts';
import type { ImportSource } from './import-sources.ts';
import { type ImportProgress, type ImportSummary, ImportTally } from './import-summary.ts';
import type { ImportTarget } from './import-target.ts';
import { sameContent } from './same-content.ts';
import { sourceUnits } from './source-units.ts';

/**
 * The import pipeline: read a unit (a Bundle file, or a run of NDJSON lines), decide identities and
 * references, drop what the target already holds unchanged, validate, write. Up to `pipelineDepth`
 * units are between reading and written at once: the next units are read, prepared and sent to the
 * validator threads while earlier ones are written, and a unit is written as soon as it is valid, so
 * the database always has the next write waiting. Units that share a resource are written in the
 * order read (the later waits for the earlier), as are Bundles with full transaction semantics. A problem stays with its file: a Bundle file with a problem imports nothing, an
 * NDJSON line with a problem is left out; either way the run goes on with the next unit.
 *
 * Idempotent: ids are stable (stable-id.ts) and a resource whose content equals the stored one is
 * not written again (same-content.ts), so importing the same files twice creates nothing and
 * writes no new versions; a changed resource gets a new version.
 */
export interface RunImportOptions {
  /** What to do with a conditional reference that matches nothing (default `error`). */
  readonly unresolved?: UnresolvedPolicy;
  /** NDJSON lines per unit (default 1000). */
  readonly linesPerUnit?: number;
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Called for each problem as it is found (the summary lists them all too). */
  readonly onProblem?: (problem: ImportProblem) => void;
}

interface Staged {
  readonly unit: ImportUnit;
  readonly toWrite: ImportItem[];
  validation?: Promise<ProblemDetail[][]>;
  /** Items skipped because an earlier unit not written yet holds the same content: that unit. */
  readonly skippedOnPending: Map<ImportItem, Staged>;
  /** Content of `toWrite` by `Type/id`, for the units staged after this one. */
  readonly pending: Map<string, Resource>;
}

/** A staged unit and the end of its writing (true: written without problems). */
interface InFlight {
  readonly staged: Staged;
  readonly done: Promise<boolean>;
}

/**
 * Units between reading and written at once (memory: a unit is one parsed file or 1000 lines).
 * With four, PostgreSQL has a write queued behind the one it runs while the next units are read
 * and validated: the 16 Synthea bundles imported at medians of 8,900-9,000 resources/s against
 * 8,350 with three (five runs each, alternating; five was no better). PGlite, one thread, did not
 * change (5,200-5,500 either way).
 */
const pipelineDepth = 4;

/** Problems listed per unit (a Bundle file, or a run of NDJSON lines) before the rest are counted. */
const maxProblemsPerUnit = 20;

const keyOf = (i: { resourceType: string; id: string }) => `${i.resourceType}/${i.id}`;

export async function runImport(
  target: ImportTarget,
  sources: readonly ImportSource[],
  options: RunImportOptions = {},
): Promise<ImportSummary> {
  const started = performance.now();
  const tally = new ImportTally();
  const references = new ImportReferences(target, options.unresolved ?? 'error');
  const report = (unit: ImportUnit, problems: readonly ImportProblem[]) => {
    if (problems.length === 0) return;
    tally.failedFiles.add(unit.file);
    // A file broken throughout would bury the others' problems: the first few per unit tell the story.
    const shown =
      problems.length <= maxProblemsPerUnit
        ? problems
        : [
            ...problems.slice(0, maxProblemsPerUnit),
            { file: unit.file, message: `... and ${problems.length - maxProblemsPerUnit} more problems` },
          ];
    for (const p of shown) {
      tally.problems.push(p);
      options.onProblem?.(p);
    }
  };

  /**
   * Decides what of `unit` to write and starts its validation. `lookupSent` is called once the
   * unit's lookup of stored resources is on its way to the target (or is not needed).
   */
  const stage = async (unit: ImportUnit, earlier: readonly Staged[], lookupSent: () => void): Promise<Staged> => {
    const staged: Staged = { unit, toWrite: [], skippedOnPending: new Map(), pending: new Map() };
    /** The latest earlier unit that will write `key`. */
    const pendingIn = (key: string) => {
      for (let j = earlier.length - 1; j >= 0; j--) if (earlier[j]!.pending.has(key)) return earlier[j]!;
      return undefined;
    };
    if (unit.transaction !== undefined || (unit.atomic && unit.problems.length > 0)) return staged;
    try {
      await references.prepare(unit);
      if (unit.atomic && unit.problems.length > 0) return staged;
      dropDuplicates(unit);
      const live = unit.items.filter((i) => i.skip === undefined && !i.failed);
      const lookup = target.current(live.map((i) => ({ type: i.resourceType, id: i.id })));
      lookupSent();
      const stored = await lookup;
      for (const item of live) {
        const key = keyOf(item);
        const from = pendingIn(key);
        const before = from?.pending.get(key);
        if (from !== undefined && sameContent(before, item.resource)) {
          item.skip = 'unchanged';
          staged.skippedOnPending.set(item, from);
        } else if (before === undefined && sameContent(stored.get(key), item.resource)) item.skip = 'unchanged';
        else {
          staged.toWrite.push(item);
          staged.pending.set(key, item.resource);
        }
      }
    } catch (error) {
      unit.problems.push(...problemsOfError(unit.file, undefined, error));
      staged.toWrite.length = 0;
      return staged;
    }
    staged.validation = target.validate(staged.toWrite.map((i) => i.resource));
    // Awaited in complete(); a rejection must not go unhandled meanwhile.
    staged.validation.catch(() => undefined);
    return staged;
  };

  const complete = async (staged: Staged): Promise<boolean> => {
    const { unit } = staged;
    const ok = await (unit.transaction !== undefined ? completeTransaction(unit) : completeUnit(staged));
    if (unit.endOfFile) tally.filesDone++;
    options.onProgress?.({ filesDone: tally.filesDone, filesTotal: sources.length, resources: tally.handled, file: unit.file });
    return ok;
  };

  /** After `earlier` was written (ok) or not: items of `next` skipped on its content are written after all. */
  const afterComplete = (ok: boolean, earlier: Staged, next: Staged): void => {
    if (ok) return;
    let added = false;
    for (const [item, from] of next.skippedOnPending) {
      if (from !== earlier) continue;
      item.skip = undefined;
      next.toWrite.push(item);
      added = true;
    }
    if (!added) return;
    next.validation = target.validate(next.toWrite.map((i) => i.resource));
    next.validation.catch(() => undefined);
  };

  /** Whether `later` must wait for `earlier` to be written: they share a resource, or either is a transaction. */
  const dependsOn = (later: Staged, earlier: Staged): boolean => {
    if (later.unit.transaction !== undefined || earlier.unit.transaction !== undefined) return true;
    for (const from of later.skippedOnPending.values()) if (from === earlier) return true;
    for (const item of later.toWrite) if (earlier.pending.has(keyOf(item))) return true;
    return false;
  };

  const completeTransaction = async (unit: ImportUnit): Promise<boolean> => {
    try {
      const result = await target.transaction(unit.transaction);
      tally.created += result.created;
      tally.updated += result.updated;
      for (const [type, n] of Object.entries(result.byType)) tally.count(type, n);
      return true;
    } catch (error) {
      const problems = problemsOfError(unit.file, undefined, error).map((p) =>
        p.path ? { ...p, path: p.path.replace(/^Bundle\./, '') } : p,
      );
      tally.failed += unit.read;
      report(unit, problems);
      return false;
    }
  };

  const completeUnit = async (staged: Staged): Promise<boolean> => {
    const { unit, toWrite } = staged;
    let verdicts: ProblemDetail[][] = [];
    try {
      const waitFrom = performance.now();
      verdicts = staged.validation ? await staged.validation : [];
      if (staged.validation) target.validationWaited?.(performance.now() - waitFrom);
    } catch (error) {
      unit.problems.push(...problemsOfError(unit.file, undefined, error));
    }
    const valid: ImportItem[] = [];
    toWrite.forEach((item, i) => {
      const found = verdicts[i] ?? [];
      if (found.length === 0) valid.push(item);
      else for (const d of found) unit.problems.push(problemAt(unit.file, item.location, d, item.resource));
    });
    const badItems = toWrite.length - valid.length;
    if (unit.atomic && unit.problems.length > 0) {
      tally.failed += unit.read;
      report(unit, unit.problems);
      return false;
    }
    let written = true;
    try {
      const result = await target.write(valid, unit.atomic);
      result.outcomes.forEach((outcome, i) => {
        const item = valid[i]!;
        if (outcome === 'failed') return;
        if (outcome === 'created') tally.created++;
        else tally.updated++;
        tally.count(item.resourceType);
      });
      for (const p of result.problems) {
        const item = p.item === undefined ? undefined : valid[p.item];
        unit.problems.push(
          item ? problemAt(unit.file, item.location, p.detail, item.resource) : { file: unit.file, message: p.detail.message },
        );
      }
      tally.failed += result.outcomes.filter((o) => o === 'failed').length;
    } catch (error) {
      written = false;
      unit.problems.push(...problemsOfError(unit.file, undefined, error));
      tally.failed += unit.atomic ? unit.read : valid.length;
    }
    if (written || !unit.atomic) {
      for (const item of unit.items) {
        if (item.skip === undefined) continue;
        tally.unchanged++;
        tally.count(item.resourceType);
      }
      // NDJSON lines that did not parse, resolve or validate.
      if (!unit.atomic)
        tally.failed += unit.read - unit.items.filter((i) => !i.placeholder).length + unit.items.filter((i) => i.failed).length + badItems;
    }
    report(unit, unit.problems);
    return written && unit.problems.length === 0;
  };

  const window: InFlight[] = [];
  /** Lets the last unit staged be written (see below). */
  let releaseLast: (() => void) | undefined;
  const units = sourceUnits(sources, options.linesPerUnit ?? 1000)[Symbol.asyncIterator]();
  try {
    for (;;) {
      while (window.length >= pipelineDepth) await window.shift()!.done;
      const next = await units.next();
      if (next.done) {
        releaseLast?.();
        break;
      }
      const earlier = [...window];
      // The unit before this one is written once this unit's lookup is sent: the database then
      // answers the lookup before it starts that write, and this unit is validated while that write
      // runs, instead of the lookup waiting for it to finish (on PGlite, sending each write at once
      // was not faster: 3,330 against 3,590 resources/s, mean of six runs each, noisy).
      const releasePrevious = releaseLast;
      const staged = await stage(
        next.value,
        earlier.map((w) => w.staged),
        () => releasePrevious?.(),
      );
      releasePrevious?.();
      let release = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      releaseLast = release;
      const waitFor = earlier.filter((w) => dependsOn(staged, w.staged));
      // complete() reports its failures itself and does not reject.
      const done = (async () => {
        for (const w of waitFor) afterComplete(await w.done, w.staged, staged);
        await released;
        return complete(staged);
      })();
      window.push({ staged, done });
    }
    for (const w of window) await w.done;
    await target.finish();
  } finally {
    await target.close();
  }
  const placeholders = { created: references.stats.placeholdersCreated, filled: references.stats.placeholdersFilled };
  return tally.summary(sources.length, placeholders, (performance.now() - started) / 1000);
}

/**
 * The same resource twice in one unit: identical copies are written once; differing ones are a
 * problem at the later one (which version should win is not for the importer to guess).
 */
function dropDuplicates(unit: ImportUnit): void {
  const seen = new Map<string, ImportItem>();
  for (const item of unit.items) {
    if (item.skip !== undefined || item.failed) continue;
    const key = keyOf(item);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, item);
      continue;
    }
    if (sameContent(first.resource, item.resource)) item.skip = 'unchanged';
    else {
      item.failed = true;
      unit.problems.push(problemAt(unit.file, item.location, { message: `${key} appears twice with different content` }));
    }
  }
}
