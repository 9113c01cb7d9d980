/**
 * Trials started from this browser, newest first (the API has no trial list: jobs are found by id).
 * Kept in localStorage: ids and names only, no patient data.
 */
export interface RecentTrial {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

const key = 'vitaltwin.trials';

export function recentTrials(): RecentTrial[] {
  try {
    const list = JSON.parse(globalThis.localStorage?.getItem(key) ?? '[]') as unknown;
    return Array.isArray(list) ? (list as RecentTrial[]).filter((t) => typeof t?.id === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberTrial(trial: RecentTrial): void {
  const list = [trial, ...recentTrials().filter((t) => t.id !== trial.id)].slice(0, 20);
  try {
    globalThis.localStorage?.setItem(key, JSON.stringify(list));
  } catch {
    // No storage: the trial is still reachable by its URL.
  }
}
