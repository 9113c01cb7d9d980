import { useEffect, useRef, useState } from 'react';
import { ApiError, apiJson } from '../api/api-client.ts';
import type { SeriesResponse } from '../api/api-types.ts';
import { useTwinEvents } from '../app/event-hub.tsx';

/**
 * A patient's device series over the last `rangeMs`, kept live: a score or reading event for the
 * patient triggers a refetch (at most one per `minGapMs`), and a timer rolls the window forward.
 */
export function useLiveSeries(patientId: string, codes: readonly string[], rangeMs: number, maxPoints = 2000, minGapMs = 5000) {
  const [data, setData] = useState<SeriesResponse | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [tick, setTick] = useState(0);
  const lastFetch = useRef(0);
  const scheduled = useRef<ReturnType<typeof setTimeout> | null>(null);
  const key = codes.join(',');

  // A different patient, code set or range starts empty rather than showing the previous one.
  const identity = `${patientId}|${key}|${rangeMs}`;
  const shown = useRef(identity);
  if (shown.current !== identity) {
    shown.current = identity;
    setData(undefined);
  }

  // `tick` refetches the same window (events, timer, retry).
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick is the refetch trigger.
  useEffect(() => {
    const controller = new AbortController();
    const toMs = Date.now() + 60_000;
    const q = new URLSearchParams({
      code: key,
      from: new Date(toMs - rangeMs).toISOString(),
      to: new Date(toMs).toISOString(),
      maxPoints: String(maxPoints),
    });
    lastFetch.current = Date.now();
    apiJson<SeriesResponse>(`/twins/${encodeURIComponent(patientId)}/series?${q.toString()}`, { signal: controller.signal }).then(
      (d) => {
        setData(d);
        setError(undefined);
      },
      (e: unknown) => {
        if (!controller.signal.aborted) setError(e instanceof ApiError ? e : new ApiError(0, (e as Error).message));
      },
    );
    return () => controller.abort();
  }, [patientId, key, rangeMs, maxPoints, tick]);

  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), 60_000);
    return () => {
      clearInterval(timer);
      if (scheduled.current) clearTimeout(scheduled.current);
    };
  }, []);

  useTwinEvents((event) => {
    if (event.patientId !== patientId || (event.type !== 'score' && event.type !== 'reading') || scheduled.current) return;
    const wait = Math.max(0, lastFetch.current + minGapMs - Date.now());
    scheduled.current = setTimeout(() => {
      scheduled.current = null;
      setTick((t) => t + 1);
    }, wait);
  });

  return { data, error, reload: () => setTick((t) => t + 1) };
}
