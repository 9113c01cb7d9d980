import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, apiJson } from '../api/api-client.ts';

/**
 * Loads JSON from the API for a component: `loading` until the first answer, `error` with the
 * server's message, `reload()` to fetch again (keeping the old data on screen meanwhile). A change
 * of `path` aborts the request in flight. `path` null loads nothing.
 */
export interface ApiState<T> {
  readonly data: T | undefined;
  readonly error: ApiError | undefined;
  readonly loading: boolean;
  readonly reload: () => void;
}

export function useApi<T>(path: string | null): ApiState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(path !== null);
  const [tick, setTick] = useState(0);
  const lastPath = useRef(path);

  // biome-ignore lint/correctness/useExhaustiveDependencies: tick is the reload trigger.
  useEffect(() => {
    if (path === null) {
      setLoading(false);
      return;
    }
    if (lastPath.current !== path) {
      lastPath.current = path;
      setData(undefined);
    }
    const controller = new AbortController();
    setLoading(true);
    apiJson<T>(path, { signal: controller.signal }).then(
      (value) => {
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setError(e instanceof ApiError ? e : new ApiError(0, (e as Error).message));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [path, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}
